package dev.ordinal.api.patch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.ArrayList;
import java.util.List;

/** JSON literals and tree checks for the patch tests. */
final class PatchTestSupport {

  private PatchTestSupport() {}

  /** Parses JSON written with single quotes for readability. */
  static JsonNode json(String singleQuoted) {
    try {
      return Json.MAPPER.readTree(singleQuoted.replace('\'', '"'));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(singleQuoted, e);
    }
  }

  static ObjectNode obj(String singleQuoted) {
    return (ObjectNode) json(singleQuoted);
  }

  /** Every key anywhere in the tree that starts with '$'. */
  static List<String> directiveKeys(JsonNode node) {
    List<String> found = new ArrayList<>();
    collect(node, found);
    return found;
  }

  private static void collect(JsonNode node, List<String> found) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e -> {
                if (e.getKey().startsWith("$")) {
                  found.add(e.getKey());
                }
                collect(e.getValue(), found);
              });
    } else if (node.isArray()) {
      node.forEach(n -> collect(n, found));
    }
  }
}
