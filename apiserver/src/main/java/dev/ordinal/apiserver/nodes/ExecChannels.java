package dev.ordinal.apiserver.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;

/**
 * The Kubernetes remote-command channel protocol over WebSocket ({@code v5.channel.k8s.io}, and
 * v4): each binary message starts with its channel — 0 stdin, 1 stdout, 2 stderr, 3 the final
 * status, 4 terminal resize, 255 a channel closed (v5: the client's end of stdin).
 */
public final class ExecChannels {
  public static final byte STDIN = 0;
  public static final byte STDOUT = 1;
  public static final byte STDERR = 2;
  public static final byte STATUS = 3;
  public static final byte RESIZE = 4;
  public static final byte CLOSE = (byte) 255;
  public static final String V5 = "v5.channel.k8s.io";
  public static final String V4 = "v4.channel.k8s.io";

  private ExecChannels() {}

  /** The status kubectl turns into its own exit code: Success, or NonZeroExitCode with the code as a cause. */
  public static ObjectNode status(int exitCode, String failure) {
    ObjectNode s = Json.object();
    s.put("apiVersion", "v1").put("kind", "Status").putObject("metadata");
    if (failure != null) {
      s.put("status", "Failure").put("message", failure).put("reason", "InternalError").put("code", 500);
    } else if (exitCode == 0) {
      s.put("status", "Success");
    } else {
      s.put("status", "Failure").put("message", "command terminated with non-zero exit code: exit status " + exitCode)
          .put("reason", "NonZeroExitCode");
      s.putObject("details").putArray("causes").addObject().put("reason", "ExitCode").put("message", String.valueOf(exitCode));
    }
    return s;
  }
}
