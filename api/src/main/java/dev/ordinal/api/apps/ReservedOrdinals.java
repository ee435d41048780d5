package dev.ordinal.api.apps;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A StatefulSet's reserved ordinals ({@code apps.ordinal.dev/reserve-ordinals: "1,3,5-7"}): ordinals
 * the set skips, keeping {@code replicas} pods on the others, so a broken member can be taken out
 * without renumbering the rest (OpenKruise's Advanced StatefulSet has the same idea as
 * {@code reserveOrdinals}). Read by the API server to validate and by the controller to plan.
 */
public final class ReservedOrdinals {
  public static final String ANNOTATION = "apps.ordinal.dev/reserve-ordinals";
  // more would only be a typo's way to make the controller walk a huge range
  static final int MAX_RANGE = 10_000;

  private ReservedOrdinals() {}

  /**
   * The ordinals of a comma-separated list of non-negative integers and inclusive ranges
   * ({@code a-b}, a ≤ b); blank entries are ignored, so "" and null reserve nothing.
   *
   * @throws IllegalArgumentException naming the entry that is not one
   */
  public static Set<Integer> parse(String value) {
    Set<Integer> out = new TreeSet<>();
    if (value == null) {
      return out;
    }
    for (String raw : value.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int dash = entry.indexOf('-', 1);
      int from = number(dash < 0 ? entry : entry.substring(0, dash), entry);
      int to = dash < 0 ? from : number(entry.substring(dash + 1), entry);
      if (to < from || to - from >= MAX_RANGE) {
        throw new IllegalArgumentException("\"" + entry + "\" is not a range a-b with a <= b of at most " + MAX_RANGE + " ordinals");
      }
      for (int i = from; i <= to; i++) {
        out.add(i);
      }
    }
    return Collections.unmodifiableSet(out);
  }

  /** The ordinals of a set's replicas: the first {@code replicas} from {@code start} that are not reserved, ascending. */
  public static List<Integer> replicaOrdinals(int start, int replicas, Set<Integer> reserved) {
    List<Integer> ordinals = new ArrayList<>(Math.max(0, replicas));
    for (int ord = start; ordinals.size() < replicas; ord++) {
      if (!reserved.contains(ord)) {
        ordinals.add(ord);
      }
    }
    return ordinals;
  }

  private static int number(String s, String entry) {
    String t = s.strip();
    if (t.isEmpty() || !t.chars().allMatch(Character::isDigit) || t.length() > 9) {
      throw new IllegalArgumentException("\"" + entry + "\" is not a non-negative integer or a range a-b");
    }
    return Integer.parseInt(t);
  }
}
