package dev.ordinal.controllers.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ExpectationsTest {
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  final Expectations e = new Expectations(now::get);

  @Test
  void anOwnerWithoutExpectationsIsSatisfied() {
    assertThat(e.isSatisfied("d/web")).isTrue();
  }

  @Test
  void creationsMustAllBeObserved() {
    e.expect("d/web", 2, Set.of());
    assertThat(e.isSatisfied("d/web")).isFalse();
    e.creationObserved("d/web");
    assertThat(e.isSatisfied("d/web")).isFalse();
    e.creationObserved("d/web");
    assertThat(e.isSatisfied("d/web")).isTrue();
    e.creationObserved("d/web"); // an extra observation (an adopted pod) does not go negative
    e.expect("d/web", 1, Set.of());
    assertThat(e.isSatisfied("d/web")).isFalse();
  }

  @Test
  void deletionsAreTrackedByPod() {
    e.expect("d/web", 0, Set.of("d/a", "d/b"));
    e.deletionObserved("d/web", "d/a");
    e.deletionObserved("d/web", "d/a");
    assertThat(e.isSatisfied("d/web")).isFalse();
    e.deletionObserved("d/web", "d/b");
    assertThat(e.isSatisfied("d/web")).isTrue();
  }

  @Test
  void expectationsExpire() {
    e.expect("d/web", 3, Set.of());
    now.set(now.get().plus(Expectations.TTL).plusSeconds(1));
    assertThat(e.isSatisfied("d/web")).isTrue();
  }

  @Test
  void forgettingClears() {
    e.expect("d/web", 3, Set.of());
    e.forget("d/web");
    assertThat(e.isSatisfied("d/web")).isTrue();
  }
}
