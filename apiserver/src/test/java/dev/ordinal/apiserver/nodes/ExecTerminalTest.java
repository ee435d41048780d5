package dev.ordinal.apiserver.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ExecTerminalTest {
  private static PodExec.TerminalSize size(int columns, int rows) {
    return new PodExec.TerminalSize(columns, rows);
  }

  /** kubectl attach sends one row and column more, then the real size: a late listener must still end on the real one. */
  @Test
  void aListenerRegisteredAfterTheResizesHearsTheLastSize() {
    ExecTerminal t = new ExecTerminal(size(100, 30));
    t.resize(size(101, 31));
    t.resize(size(100, 30));
    List<PodExec.TerminalSize> heard = new CopyOnWriteArrayList<>();
    t.onResize(heard::add);
    assertThat(heard).containsExactly(size(100, 30));
  }

  @Test
  void laterSizesArriveInOrderAndRepeatsAreDropped() {
    ExecTerminal t = new ExecTerminal(size(80, 24));
    List<PodExec.TerminalSize> heard = new CopyOnWriteArrayList<>();
    t.onResize(heard::add);
    t.resize(size(81, 25));
    t.resize(size(81, 25));
    t.resize(size(80, 24));
    assertThat(heard).containsExactly(size(80, 24), size(81, 25), size(80, 24));
  }

  @Test
  void nullStopsTheDeliveries() {
    ExecTerminal t = new ExecTerminal(size(80, 24));
    List<PodExec.TerminalSize> heard = new CopyOnWriteArrayList<>();
    t.onResize(heard::add);
    t.onResize(null);
    t.resize(size(90, 30));
    assertThat(heard).containsExactly(size(80, 24));
    assertThat(t.size()).isEqualTo(size(90, 30));
  }
}
