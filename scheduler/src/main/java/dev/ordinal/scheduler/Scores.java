package dev.ordinal.scheduler;

import java.util.HashMap;
import java.util.Map;

/** kube-scheduler's ways of scaling a plugin's raw node scores to 0–100 (MaxNodeScore). */
final class Scores {
  static final long MAX = 100;

  private Scores() {}

  /** Linear between the lowest (0) and the highest (100); all 0 when they are equal. */
  static Map<String, Long> minMax(Map<String, Long> raw) {
    long min = raw.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long max = raw.values().stream().mapToLong(Long::longValue).max().orElse(0);
    Map<String, Long> out = new HashMap<>();
    raw.forEach((n, s) -> out.put(n, max > min ? (long) (MAX * ((double) (s - min) / (max - min))) : 0L));
    return out;
  }

  /**
   * {@code DefaultNormalizeScore}: scaled so that the highest is 100 (reversed: 100 minus that);
   * when all are 0, all stay 0 (reversed: all 100).
   */
  static Map<String, Long> normalize(Map<String, Long> raw, boolean reverse) {
    long max = raw.values().stream().mapToLong(Long::longValue).max().orElse(0);
    Map<String, Long> out = new HashMap<>();
    raw.forEach((n, s) -> {
      long v = max == 0 ? 0 : MAX * s / max;
      out.put(n, reverse ? MAX - v : v);
    });
    return out;
  }
}
