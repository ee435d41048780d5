package dev.ordinal.apiserver.nodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Attaches to the process a pod's container runs, its own stdin and terminal (kubectl attach, kubectl run -it). */
public interface PodAttach {
  /**
   * Copies what the client types (if {@code stdin} is given) to the container's stdin and its output
   * from now on out, until the container's process ends or the calling thread is interrupted (the
   * client went away). The end of {@code stdin} closes the container's stdin if its spec says
   * {@code stdinOnce}; without it, stdin stays open for the next attach.
   *
   * @param stdout where the process's stdout goes (all its output, on a terminal), or null to drop it
   * @param stderr where its stderr goes, or null to drop it
   * @param terminal the client's terminal, for the container's own terminal ({@code tty: true}) to
   *     take its size and each new one, or null
   * @throws IOException when the container is not running or cannot be attached to
   */
  void attach(String podUid, String container, InputStream stdin, OutputStream stdout, OutputStream stderr,
      ExecTerminal terminal) throws IOException;
}
