package dev.ordinal.apiserver.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.schema.CustomSchemas;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code x-kubernetes-list-type} and {@code x-kubernetes-list-map-keys}: reading them and keying items. */
public final class ListTypes {
  private ListTypes() {}

  /** The map keys of a "map" list schema. */
  public static List<String> mapKeys(JsonNode arraySchema) {
    List<String> keys = new ArrayList<>();
    arraySchema.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
    return keys;
  }

  /**
   * The key of one item of a "map" list: its values of the keys, a missing one as null JSON (a
   * defaulted key is filled before), or null when the item is not an object.
   */
  public static List<JsonNode> keyOf(JsonNode item, List<String> keys) {
    if (!item.isObject()) {
      return null;
    }
    List<JsonNode> key = new ArrayList<>(keys.size());
    for (String k : keys) {
      key.add(item.has(k) ? item.get(k) : com.fasterxml.jackson.databind.node.NullNode.getInstance());
    }
    return key;
  }

  /** A key as upstream prints a duplicate: {@code map[string]interface {}{"name":"http"}}. */
  static String describeKey(List<String> keys, List<JsonNode> key) {
    StringBuilder b = new StringBuilder("map[string]interface {}{");
    for (int i = 0; i < keys.size(); i++) {
      b.append(i == 0 ? "" : ", ").append('"').append(keys.get(i)).append("\":").append(key.get(i).toString());
    }
    return b.append('}').toString();
  }

  /** The schema at a path of field names (array items entered without an index), or empty. */
  public static Optional<JsonNode> schemaAt(JsonNode root, List<String> path) {
    JsonNode s = root;
    for (String name : path) {
      while (s.path("type").asText().equals("array") && s.has("items")) {
        s = s.get("items");
      }
      JsonNode next = s.path("properties").get(name);
      if (next == null && s.path("additionalProperties").isObject()) {
        next = s.get("additionalProperties");
      }
      if (next == null) {
        return Optional.empty();
      }
      s = next;
    }
    return Optional.of(s);
  }

  /** The list type of the array schema at {@code path}, or empty when that is no array. */
  public static Optional<CustomSchemas.ListType> at(JsonNode root, List<String> path) {
    return schemaAt(root, path).filter(s -> s.path("type").asText().equals("array"))
        .map(s -> new CustomSchemas.ListType(s.path("x-kubernetes-list-type").asText("atomic"), mapKeys(s)));
  }
}
