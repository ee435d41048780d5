package dev.ordinal.api.selector;

import java.util.List;
import java.util.Map;

/** One term of a label selector: {@code key op values}. */
record Requirement(String key, Operator op, List<String> values) {

  enum Operator {
    EQUALS("="),
    NOT_EQUALS("!="),
    IN("in"),
    NOT_IN("notin"),
    EXISTS(""),
    DOES_NOT_EXIST("!");

    final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  boolean matches(Map<String, String> labels) {
    String v = labels.get(key);
    return switch (op) {
      case EQUALS, IN -> v != null && values.contains(v);
      case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
      case EXISTS -> v != null;
      case DOES_NOT_EXIST -> v == null;
    };
  }

  @Override
  public String toString() {
    return switch (op) {
      case EQUALS, NOT_EQUALS -> key + op.symbol + values.get(0);
      case IN, NOT_IN -> key + " " + op.symbol + " (" + String.join(",", values) + ")";
      case EXISTS -> key;
      case DOES_NOT_EXIST -> "!" + key;
    };
  }
}
