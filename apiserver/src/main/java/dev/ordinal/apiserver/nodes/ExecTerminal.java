package dev.ordinal.apiserver.nodes;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The client's terminal in a {@code kubectl exec -it} session: its size when the command starts,
 * and each new size as the user resizes the window, for the runtime to pass on to the command.
 *
 * <p>Sizes reach the runtime in the order the client sent them, and none is lost between the
 * runtime's first look and its listener: {@code kubectl attach} sends one row and column more and
 * then the real size at once, so a listener registered between the two, or a stale size written
 * after them, would leave the program one row and column too big.
 */
public final class ExecTerminal {
  private final ReentrantLock lock = new ReentrantLock();
  private volatile PodExec.TerminalSize size;
  private Consumer<PodExec.TerminalSize> listener = s -> { };

  public ExecTerminal(PodExec.TerminalSize initial) {
    this.size = initial;
  }

  public PodExec.TerminalSize size() {
    return size;
  }

  /**
   * The runtime's way to hear of sizes: {@code l} hears the current size at once, then each new one,
   * in order; null stops the deliveries.
   */
  public void onResize(Consumer<PodExec.TerminalSize> l) {
    lock.lock();
    try {
      listener = l == null ? s -> { } : l;
      listener.accept(size);
    } finally {
      lock.unlock();
    }
  }

  public void resize(PodExec.TerminalSize newSize) {
    lock.lock();
    try {
      if (!newSize.equals(size)) {
        size = newSize;
        listener.accept(newSize);
      }
    } finally {
      lock.unlock();
    }
  }
}
