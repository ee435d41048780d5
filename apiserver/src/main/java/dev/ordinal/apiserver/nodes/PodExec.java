package dev.ordinal.apiserver.nodes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/** Runs a command in a pod's container with its standard streams attached (kubectl exec). */
public interface PodExec {
  /** A terminal's size in characters. */
  record TerminalSize(int columns, int rows) {}

  /**
   * Runs the command to completion, copying stdin into it (if given) and its output out.
   *
   * @param terminal the terminal to run it on, sized as the client's and resized with it, or null
   *     for no terminal (with one, everything it prints comes on stdout, as on a terminal)
   * @return the command's exit code
   */
  int exec(String podUid, String container, List<String> command, InputStream stdin, OutputStream stdout, OutputStream stderr,
      ExecTerminal terminal) throws IOException;
}
