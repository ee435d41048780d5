package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kubelet's image pull back-off, step by step. */
class PullBackOffTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest(name = "failure {0} waits {1} s")
  @CsvSource({"1,10", "2,20", "3,40", "4,80", "5,160", "6,300", "7,300", "12,300"})
  void doublesFrom10sTo300s(int failures, long waitSeconds) {
    PullBackOff b = new PullBackOff();
    Instant now = T0;
    Duration last = Duration.ZERO;
    for (int i = 0; i < failures; i++) {
      now = now.plus(last); // each retry comes when the wait is over
      last = b.failed("uid_app:1", now);
    }
    assertThat(last).isEqualTo(Duration.ofSeconds(waitSeconds));
    assertThat(b.inBackOff("uid_app:1", now.plus(last).minusMillis(1))).isTrue();
    assertThat(b.inBackOff("uid_app:1", now.plus(last))).isFalse();
    assertThat(b.until("uid_app:1", now)).isEqualTo(now.plus(last));
  }

  @Test
  void aKeyQuietForTwiceTheMaximumStartsAgain() {
    PullBackOff b = new PullBackOff();
    b.failed("k", T0);
    b.failed("k", T0.plusSeconds(10));
    assertThat(b.failed("k", T0.plusSeconds(30))).isEqualTo(Duration.ofSeconds(40));
    assertThat(b.failed("k", T0.plusSeconds(30 + 601))).isEqualTo(Duration.ofSeconds(10));
    b.gc(T0.plusSeconds(30 + 601 + 601));
    assertThat(b.current("k")).isEqualTo(Duration.ZERO);
  }

  @Test
  void keysAreApartAndForgottenByPod() {
    PullBackOff b = new PullBackOff();
    b.failed("pod1_app:1", T0);
    assertThat(b.inBackOff("pod2_app:1", T0)).isFalse();
    assertThat(b.inBackOff("pod1_app:1", T0.plusSeconds(5))).isTrue();
    b.forgetPrefix("pod1_");
    assertThat(b.inBackOff("pod1_app:1", T0.plusSeconds(5))).isFalse();
  }
}
