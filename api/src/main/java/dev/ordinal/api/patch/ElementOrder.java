package dev.ordinal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The order of a merged list, as apimachinery computes it (design proposal "preserve order in
 * strategic merge patch"): elements named by the patch (or by {@code $setElementOrder}) keep the
 * patch's order, elements only on the server keep the server's order, and the two runs are
 * interleaved using the server's order wherever both elements exist on the server. A patch element
 * that is new to the server therefore lands before the server elements that follow its
 * predecessor, and a new element with no predecessor lands first — as on Kubernetes.
 *
 * <p>Elements are identified by their merge key value (lists of objects) or by value (primitive
 * lists, {@code mergeKey == null}).
 */
final class ElementOrder {

  /** The two parts of a merged list: elements the patch names, and the rest. */
  record Partition(List<JsonNode> named, List<JsonNode> serverOnly) {}

  private ElementOrder() {}

  /** Splits {@code merged} into elements present in {@code namedBy} and the others. */
  static Partition partition(List<JsonNode> merged, List<JsonNode> namedBy, String mergeKey) {
    List<JsonNode> named = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode item : merged) {
      (indexOf(namedBy, item, mergeKey) >= 0 ? named : serverOnly).add(item);
    }
    return new Partition(named, serverOnly);
  }

  /**
   * The final list: {@code named} sorted by {@code namedOrder}, {@code serverOnly} sorted by
   * {@code serverOrder}, then interleaved by {@code serverOrder}.
   */
  static List<JsonNode> normalize(
      Partition parts, List<JsonNode> namedOrder, List<JsonNode> serverOrder, String mergeKey) {
    List<JsonNode> named = sortBy(parts.named(), namedOrder, mergeKey);
    List<JsonNode> serverOnly = sortBy(parts.serverOnly(), serverOrder, mergeKey);
    return interleave(serverOnly, named, serverOrder, mergeKey);
  }

  /** Stable sort by position in {@code order}; elements absent from it go last. */
  static List<JsonNode> sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey) {
    List<JsonNode> sorted = new ArrayList<>(items);
    sorted.sort(
        Comparator.comparingInt(
            item -> {
              int i = indexOf(order, item, mergeKey);
              return i < 0 ? Integer.MAX_VALUE : i;
            }));
    return sorted;
  }

  /**
   * Merges two sorted runs: take the server element when both elements are on the server and the
   * server element comes first there, else take the patch element.
   */
  private static List<JsonNode> interleave(
      List<JsonNode> serverOnly, List<JsonNode> named, List<JsonNode> serverOrder, String mergeKey) {
    List<JsonNode> out = new ArrayList<>(serverOnly.size() + named.size());
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < named.size()) {
      if (j >= named.size()) {
        out.add(serverOnly.get(i++));
      } else if (i >= serverOnly.size()) {
        out.add(named.get(j++));
      } else {
        int left = indexOf(serverOrder, serverOnly.get(i), mergeKey);
        int right = indexOf(serverOrder, named.get(j), mergeKey);
        if (left >= 0 && right >= 0 && left < right) {
          out.add(serverOnly.get(i++));
        } else {
          out.add(named.get(j++));
        }
      }
    }
    return out;
  }

  /** Position of {@code item} in {@code list} by identity (merge key value or value), or -1. */
  static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey) {
    JsonNode id = identity(item, mergeKey);
    if (id == null) {
      return -1;
    }
    for (int i = 0; i < list.size(); i++) {
      if (JsonValues.same(id, identity(list.get(i), mergeKey))) {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode identity(JsonNode item, String mergeKey) {
    return mergeKey == null ? item : item.get(mergeKey);
  }
}
