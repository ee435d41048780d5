package dev.ordinal.node.runc;

import java.util.List;
import java.util.Map;

/**
 * What an image says about how to run it, as in an OCI image config: ENTRYPOINT, CMD, environment,
 * working directory, and the signal that asks it to stop (STOPSIGNAL; "" for SIGTERM).
 */
record ImageConfig(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workingDir, String stopSignal) {
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** An image that stops on SIGTERM. */
  ImageConfig(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workingDir) {
    this(entrypoint, cmd, env, workingDir, "");
  }

  /** A host image nothing is known about: a shell, as Debian's base image has. */
  static final ImageConfig SHELL = new ImageConfig(List.of(), List.of("/bin/sh"), Map.of("PATH", PATH), "/");
}
