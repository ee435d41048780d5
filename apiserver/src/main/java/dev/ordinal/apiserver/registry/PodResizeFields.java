package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a {@code pods/resize} write keeps of what it was sent, as upstream's dropNonResizeUpdates:
 * the stored pod with each container's and init container's {@code resources} and
 * {@code resizePolicy} taken from the write; everything else, status and metadata included, as
 * stored. Containers added, removed, renamed or reordered leave the write's containers as sent, so
 * that validation refuses it rather than this quietly mending it.
 */
final class PodResizeFields {
  private PodResizeFields() {}

  static ObjectNode keepOnlyResize(ObjectNode sent, ObjectNode stored) {
    ObjectNode keep = stored.deepCopy();
    ObjectNode spec = keep.with("spec");
    for (String list : List.of("containers", "initContainers")) {
      JsonNode mine = sent.path("spec").path(list);
      JsonNode theirs = stored.path("spec").path(list);
      if (!mine.isArray() && !theirs.isArray()) {
        continue;
      }
      spec.set(list, merged(mine, theirs));
    }
    Meta.of(keep).put("resourceVersion", Meta.resourceVersion(stored));
    return keep;
  }

  private static JsonNode merged(JsonNode sent, JsonNode stored) {
    if (sent.size() != stored.size()) {
      return sent.isArray() ? sent.deepCopy() : dev.ordinal.api.Json.MAPPER.createArrayNode();
    }
    ArrayNode out = (ArrayNode) stored.deepCopy();
    for (int i = 0; i < sent.size(); i++) {
      if (!sent.get(i).path("name").asText().equals(stored.get(i).path("name").asText())) {
        return sent.deepCopy();
      }
      ObjectNode c = (ObjectNode) out.get(i);
      for (String field : List.of("resources", "resizePolicy")) {
        JsonNode v = sent.get(i).get(field);
        if (v == null) {
          c.remove(field);
        } else {
          c.set(field, v.deepCopy());
        }
      }
    }
    return out;
  }
}
