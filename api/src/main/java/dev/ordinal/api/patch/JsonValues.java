package dev.ordinal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;

/** Value comparisons with JSON (not Jackson) semantics. */
final class JsonValues {

  private JsonValues() {}

  /**
   * True when two values are the same JSON value: numbers compare by value, so 80 and 80.0 match
   * (Go decodes both to float64 and compares with ==). Null arguments (absent) equal only each
   * other.
   */
  static boolean same(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }

  /** Short rendering for error messages. */
  static String brief(JsonNode node) {
    String s = String.valueOf(node);
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
