package dev.ordinal.api.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Path elements in upstream's fieldsV1 spelling, and paths as upstream prints them in conflicts. */
public final class Paths {
  private Paths() {}

  public static String field(String name) {
    return "f:" + name;
  }

  /** The element of {@code item} in a list of {@code listType}; null when it has none (a map item without its keys). */
  static String item(JsonNode item, FieldSchema list) {
    if (list.listType() == FieldSchema.ListType.SET) {
      return "v:" + Json.string(item);
    }
    if (!(item instanceof ObjectNode o)) {
      return null;
    }
    List<String> keys = new ArrayList<>(list.mapKeys());
    keys.sort(null);
    ObjectNode k = JsonNodeFactory.instance.objectNode();
    for (String key : keys) {
      JsonNode v = o.get(key);
      if (v != null && !v.isNull()) {
        k.set(key, v);
      }
    }
    if (k.isEmpty()) {
      return null;
    }
    return "k:" + Json.string(k);
  }

  /**
   * A path as upstream's fieldpath prints it: {@code .spec.replicas}, {@code
   * .spec.containers[name="c"].image}, {@code .metadata.finalizers[="x"]}.
   */
  public static String print(List<String> path) {
    StringBuilder b = new StringBuilder();
    for (String e : path) {
      String rest = e.substring(2);
      switch (e.charAt(0)) {
        case 'f' -> b.append('.').append(rest);
        case 'v' -> b.append("[=").append(rest).append(']');
        case 'i' -> b.append('[').append(rest).append(']');
        case 'k' -> {
          JsonNode k = parse(rest);
          List<String> parts = new ArrayList<>();
          for (Iterator<Map.Entry<String, JsonNode>> it = k.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            parts.add(f.getKey() + "=" + Json.string(f.getValue()));
          }
          b.append('[').append(String.join(",", parts)).append(']');
        }
        default -> b.append(e);
      }
    }
    return b.toString();
  }

  private static JsonNode parse(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a key: " + json, e);
    }
  }
}
