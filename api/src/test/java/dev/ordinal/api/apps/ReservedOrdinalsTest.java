package dev.ordinal.api.apps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReservedOrdinalsTest {
  record Case(String value, Set<Integer> reserved) {}

  @Test
  void listsAndRanges() {
    for (Case c : List.of(new Case(null, Set.of()), new Case("", Set.of()), new Case("1", Set.of(1)), new Case("1,3", Set.of(1, 3)),
        new Case(" 5-7 , 2,", Set.of(2, 5, 6, 7)), new Case("4-4", Set.of(4)), new Case("0", Set.of(0)))) {
      assertThat(ReservedOrdinals.parse(c.value())).as(String.valueOf(c.value())).isEqualTo(c.reserved());
    }
  }

  @Test
  void refusesWhatIsNotAnOrdinal() {
    for (String bad : List.of("a", "-1", "1.5", "3-1", "1-", "1-2-3", "0-20000", "9999999999")) {
      assertThatThrownBy(() -> ReservedOrdinals.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void replicasSkipTheReservedOrdinals() {
    assertThat(ReservedOrdinals.replicaOrdinals(0, 3, Set.of())).containsExactly(0, 1, 2);
    assertThat(ReservedOrdinals.replicaOrdinals(0, 3, Set.of(1))).containsExactly(0, 2, 3);
    assertThat(ReservedOrdinals.replicaOrdinals(2, 2, Set.of(0, 2, 3))).containsExactly(4, 5);
    assertThat(ReservedOrdinals.replicaOrdinals(0, 0, Set.of(1))).isEmpty();
  }
}
