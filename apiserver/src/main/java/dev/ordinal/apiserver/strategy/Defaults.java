package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Small helpers for filling defaults into JSON in place. */
final class Defaults {
  private Defaults() {}

  static void put(ObjectNode o, String field, String value) {
    if (!o.hasNonNull(field) || o.get(field).asText().isEmpty()) {
      o.put(field, value);
    }
  }

  static void put(ObjectNode o, String field, long value) {
    if (!o.hasNonNull(field)) {
      o.put(field, value);
    }
  }

  static void put(ObjectNode o, String field, boolean value) {
    if (!o.hasNonNull(field)) {
      o.put(field, value);
    }
  }

  /** The object at {@code field}, created when absent (never replacing a non-object). */
  static ObjectNode object(ObjectNode o, String field) {
    JsonNode n = o.get(field);
    if (n instanceof ObjectNode on) {
      return on;
    }
    return o.putObject(field);
  }

  /** The object at {@code field} if it is one, else null. */
  static ObjectNode existing(JsonNode o, String field) {
    JsonNode n = o.get(field);
    return n instanceof ObjectNode on ? on : null;
  }

  /** The elements of an array field that are objects. */
  static Iterable<ObjectNode> elements(JsonNode o, String field) {
    JsonNode n = o.get(field);
    java.util.List<ObjectNode> out = new java.util.ArrayList<>();
    if (n instanceof ArrayNode a) {
      a.forEach(e -> {
        if (e instanceof ObjectNode on) {
          out.add(on);
        }
      });
    }
    return out;
  }
}
