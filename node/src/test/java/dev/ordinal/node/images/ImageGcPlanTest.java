package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.node.images.ImageGcPlan.Image;
import dev.ordinal.node.images.ImageGcPlan.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kubelet's image GC choices, case by case. */
class ImageGcPlanTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final Instant OLD = NOW.minus(Duration.ofHours(1));

  /** a: 10 used long ago; b: 20 used recently; c: 30 in use; d: 40 pulled a minute ago; e: 5 used an hour ago, seen long ago */
  static final List<Image> IMAGES = List.of(
      new Image("a", 10, OLD.minusSeconds(60), OLD.minusSeconds(60), false),
      new Image("b", 20, OLD, NOW.minusSeconds(600), false),
      new Image("c", 30, OLD, OLD, true),
      new Image("d", 40, NOW.minusSeconds(60), NOW.minusSeconds(60), false),
      new Image("e", 5, OLD.minusSeconds(120), OLD, false));

  @ParameterizedTest(name = "capacity {0}, available {1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "1000|200|''",     // 80 % used: below 85 %
      "1000|190|''",     // 81 %
      "1000|151|a,e,b",  // 84.9 % counts as 85 % (kubelet's integer percent of what is available): free 49
      "1000|150|a,e,b",  // 85 %: free 200 - 150 = 50; a, e, b make 35, c is in use, d too young
      "100|14|a",        // 86 %: free 20 - 14 = 6; a (10) is enough
      "100|0|a,e,b",     // full
  })
  void frees(long capacity, long available, String expected) {
    assertThat(String.join(",", ImageGcPlan.plan(capacity, available, IMAGES, Policy.DEFAULT, NOW))).isEqualTo(expected);
  }

  @Test
  void leastRecentlyUsedFirstUntilEnoughIsFree() {
    // 90 % used of 1000: free 1000*20/100 - 100 = 100; a (10) first (oldest use), then e (5), then b (20): 35 — all it can
    assertThat(ImageGcPlan.plan(1000, 100, IMAGES, Policy.DEFAULT, NOW)).containsExactly("a", "e", "b");
    // 2 % over the low threshold of 100 bytes: a alone is enough
    assertThat(ImageGcPlan.plan(100, 12, IMAGES, new Policy(85, 80, Duration.ofMinutes(2)), NOW)).containsExactly("a");
  }

  @Test
  void neverAnImageInUseNorOneTooYoung() {
    List<String> all = ImageGcPlan.plan(100, 0, IMAGES, new Policy(1, 0, Duration.ofMinutes(2)), NOW);
    assertThat(all).doesNotContain("c", "d");
    assertThat(ImageGcPlan.plan(100, 0, IMAGES, new Policy(1, 0, Duration.ZERO), NOW)).containsExactly("a", "e", "b", "d");
  }

  @Test
  void offAtAHundredPercentAndRefusesNonsense() {
    assertThat(ImageGcPlan.plan(100, 0, IMAGES, new Policy(100, 80, Duration.ZERO), NOW)).isEmpty();
    assertThatThrownBy(() -> new Policy(80, 85, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThat(Arrays.asList(ImageGcPlan.plan(0, 0, IMAGES, Policy.DEFAULT, NOW).toArray())).isEmpty();
  }
}
