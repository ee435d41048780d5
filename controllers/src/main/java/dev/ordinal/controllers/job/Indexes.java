package dev.ordinal.controllers.job;

import java.util.SortedSet;
import java.util.TreeSet;

/**
 * status.completedIndexes and status.failedIndexes: sorted, comma-separated intervals such as
 * {@code 1,3-5,7,8}; as upstream, an interval of two is written as two numbers. Pure.
 */
final class Indexes {
  private Indexes() {}

  static SortedSet<Integer> parse(String text) {
    return parse(text, Integer.MAX_VALUE);
  }

  /** The indexes below {@code completions} (upstream's parseIndexesFromString cuts there). */
  static SortedSet<Integer> parse(String text, int completions) {
    TreeSet<Integer> out = new TreeSet<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      try {
        int dash = part.indexOf('-');
        int lo = Integer.parseInt(dash < 0 ? part.trim() : part.substring(0, dash).trim());
        int hi = dash < 0 ? lo : Integer.parseInt(part.substring(dash + 1).trim());
        for (int i = Math.max(lo, 0); i <= Math.min(hi, completions - 1); i++) {
          out.add(i);
        }
      } catch (NumberFormatException e) {
        // a malformed interval is skipped, as upstream's parseIndexesFromString does
      }
    }
    return out;
  }

  static String format(SortedSet<Integer> indexes) {
    StringBuilder b = new StringBuilder();
    Integer start = null;
    Integer prev = null;
    for (int i : indexes) {
      if (prev != null && i == prev + 1) {
        prev = i;
        continue;
      }
      append(b, start, prev);
      start = i;
      prev = i;
    }
    append(b, start, prev);
    return b.toString();
  }

  private static void append(StringBuilder b, Integer start, Integer end) {
    if (start == null) {
      return;
    }
    if (!b.isEmpty()) {
      b.append(',');
    }
    b.append(start);
    if (!end.equals(start)) {
      b.append(end == start + 1 ? ',' : '-').append(end);
    }
  }
}
