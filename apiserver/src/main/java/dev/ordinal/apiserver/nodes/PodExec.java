package dev.ordinal.apiserver.nodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Runs a command in a pod's container with its standard streams attached (kubectl exec). */
public interface PodExec {
  /**
   * Runs the command to completion, copying stdin into it (if given) and its output out.
   *
   * @return the command's exit code
   */
  int exec(String podUid, String container, List<String> command, InputStream stdin, OutputStream stdout, OutputStream stderr,
      boolean tty) throws IOException;
}
