package dev.ordinal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlowStartTest {
  @Test
  void appliesEveryItem() throws Exception {
    var applied = new ConcurrentLinkedQueue<Integer>();
    List<Integer> items = IntStream.range(0, 100).boxed().toList();
    assertThat(SlowStart.run(items, applied::add)).isEqualTo(100);
    assertThat(applied).containsExactlyInAnyOrderElementsOf(items);
  }

  @Test
  void stopsAfterTheFirstRoundWithAFailure() {
    var applied = new ConcurrentLinkedQueue<Integer>();
    List<Integer> items = IntStream.range(0, 100).boxed().toList();
    // rounds: [0], [1,2], [3..6], [7..14]: item 5 fails in the third round, so nothing after 6 is tried
    assertThatThrownBy(() -> SlowStart.run(items, i -> {
      if (i == 5) {
        throw new IllegalArgumentException("refused");
      }
      applied.add(i);
    })).isInstanceOf(IllegalArgumentException.class).hasMessage("refused");
    assertThat(applied).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 6);
  }
}
