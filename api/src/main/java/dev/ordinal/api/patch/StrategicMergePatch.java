package dev.ordinal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;

/**
 * Strategic merge patch ({@code application/strategic-merge-patch+json}), applied the way
 * kube-apiserver applies it (apimachinery {@code strategicpatch.StrategicMergeMapPatch}):
 *
 * <ul>
 *   <li>maps merge recursively; {@code null} deletes a key;
 *   <li>lists merge as the schema says ({@link KubernetesPatchSchemas}): by merge key, as a set of
 *       primitives, or not at all (the patch list replaces the original);
 *   <li>directives: {@code $patch: replace|delete|merge} on a map, {@code {"$patch":"replace"}}
 *       and {@code {"$patch":"delete", <key>: v}} as list elements, {@code $retainKeys}, {@code
 *       $setElementOrder/<list>}, {@code $deleteFromPrimitiveList/<list>}. No directive survives
 *       into the result.
 * </ul>
 */
public final class StrategicMergePatch {

  private StrategicMergePatch() {}

  /**
   * Applies {@code patch} to an object of {@code type}.
   *
   * @return a new object; neither argument is mutated
   * @throws PatchException UNSUPPORTED_MEDIA_TYPE when the type has no schema (Kubernetes answers
   *     415 to a strategic merge patch of a custom resource), else as {@link #apply(PatchSchema,
   *     ObjectNode, JsonNode)}
   */
  public static ObjectNode apply(ResourceType type, ObjectNode original, JsonNode patch) {
    return apply(KubernetesPatchSchemas.schemaKey(type), original, patch);
  }

  /**
   * Applies {@code patch} to an object of the kind named by {@code schemaKey}, "apiVersion/Kind"
   * (e.g. "apps/v1/StatefulSet", "v1/Pod").
   *
   * @throws PatchException UNSUPPORTED_MEDIA_TYPE when the kind has no schema
   */
  public static ObjectNode apply(String schemaKey, ObjectNode original, JsonNode patch) {
    PatchSchema schema =
        KubernetesPatchSchemas.forKind(schemaKey)
            .orElseThrow(
                () ->
                    new PatchException(
                        PatchException.Kind.UNSUPPORTED_MEDIA_TYPE,
                        "strategic merge patch is not supported for " + schemaKey));
    return apply(schema, original, patch);
  }

  /**
   * Applies {@code patch} to {@code original} with the list strategies of {@code schema}.
   *
   * @return a new object; neither argument is mutated
   * @throws PatchException BAD_REQUEST when the patch is not a JSON object or a directive is
   *     malformed (unknown {@code $patch} value, an element without its merge key, a {@code
   *     $setElementOrder} list that contradicts the patch list, a key outside {@code
   *     $retainKeys}); INVALID for lists of lists
   */
  public static ObjectNode apply(PatchSchema schema, ObjectNode original, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw PatchException.badRequest(
          "a strategic merge patch must be a JSON object, got %s",
          patch == null ? "nothing" : patch.getNodeType());
    }
    return StrategicMerger.mergeMap(original.deepCopy(), ((ObjectNode) patch).deepCopy(), schema);
  }
}
