package dev.ordinal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386, {@code application/merge-patch+json}): objects merge recursively,
 * {@code null} deletes a key, anything else (lists included) replaces.
 */
public final class JsonMergePatch {

  private JsonMergePatch() {}

  /**
   * Applies {@code patch} to {@code original}.
   *
   * @return a new object; neither argument is mutated
   * @throws PatchException BAD_REQUEST when the patch is not a JSON object (kube-apiserver answers
   *     such a merge patch against an object with 400, evanphx {@code ErrBadJSONPatch})
   */
  public static ObjectNode apply(ObjectNode original, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw PatchException.badRequest(
          "a merge patch must be a JSON object, got %s", patch == null ? "nothing" : patch.getNodeType());
    }
    return mergeInto(original.deepCopy(), (ObjectNode) patch);
  }

  /** Merges {@code patch} into {@code target} in place; {@code target} is already a copy. */
  private static ObjectNode mergeInto(ObjectNode target, ObjectNode patch) {
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      JsonNode existing = target.get(key);
      if (value.isNull()) {
        target.remove(key);
      } else if (value.isObject()) {
        ObjectNode into =
            existing != null && existing.isObject()
                ? (ObjectNode) existing
                : JsonNodeFactory.instance.objectNode();
        target.set(key, mergeInto(into, (ObjectNode) value));
      } else {
        target.set(key, value.deepCopy());
      }
    }
    return target;
  }
}
