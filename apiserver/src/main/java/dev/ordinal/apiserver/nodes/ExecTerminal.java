package dev.ordinal.apiserver.nodes;

import java.util.function.Consumer;

/**
 * The client's terminal in a {@code kubectl exec -it} session: its size when the command starts,
 * and each new size as the user resizes the window, for the runtime to pass on to the command.
 */
public final class ExecTerminal {
  private volatile PodExec.TerminalSize size;
  private volatile Consumer<PodExec.TerminalSize> listener = s -> { };

  public ExecTerminal(PodExec.TerminalSize initial) {
    this.size = initial;
  }

  public PodExec.TerminalSize size() {
    return size;
  }

  /** The runtime's way to hear of later sizes. */
  public void onResize(Consumer<PodExec.TerminalSize> l) {
    this.listener = l;
  }

  public void resize(PodExec.TerminalSize newSize) {
    if (!newSize.equals(size)) {
      size = newSize;
      listener.accept(newSize);
    }
  }
}
