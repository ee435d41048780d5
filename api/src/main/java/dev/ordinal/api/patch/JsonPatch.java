package dev.ordinal.api.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.CompatibilityFlags;
import java.util.EnumSet;

/**
 * JSON Patch (RFC 6902, {@code application/json-patch+json}), applied with zjsonpatch.
 *
 * <p>Error mapping, as kube-apiserver does it (handlers/patch.go, {@code applyJSPatch}): a body
 * that does not decode as a list of operations is 400 ({@code jsonpatch.DecodePatch} error →
 * {@code NewBadRequest}); more than 10,000 operations is 413; any error while applying — a failed
 * "test", a missing path, an unknown op, a missing "value" — is 422 ({@code patchObj.Apply} error
 * → {@code NewGenericServerResponse(http.StatusUnprocessableEntity, ...)}), because evanphx/json-
 * patch only checks the shape of each operation when it applies it.
 */
public final class JsonPatch {

  /** kube-apiserver's {@code maxJSONPatchOperations}. */
  public static final int MAX_OPERATIONS = 10_000;

  // Like evanphx/json-patch (what Kubernetes uses): removing a path that does not exist fails.
  private static final EnumSet<CompatibilityFlags> FLAGS =
      EnumSet.of(CompatibilityFlags.FORBID_REMOVE_MISSING_OBJECT);

  private JsonPatch() {}

  /**
   * Applies the operations of {@code patch} to {@code original}, in order, all or nothing.
   *
   * @return a new object; neither argument is mutated
   * @throws PatchException BAD_REQUEST when the patch is not an array of objects, TOO_LARGE over
   *     {@link #MAX_OPERATIONS}, INVALID when an operation fails or the result is not an object
   */
  public static ObjectNode apply(ObjectNode original, JsonNode patch) {
    if (patch == null || !patch.isArray()) {
      throw PatchException.badRequest(
          "a JSON patch must be an array of operations, got %s",
          patch == null ? "nothing" : patch.getNodeType());
    }
    for (JsonNode op : patch) {
      if (!op.isObject()) {
        throw PatchException.badRequest("a JSON patch operation must be an object, got %s", op);
      }
    }
    if (patch.size() > MAX_OPERATIONS) {
      throw new PatchException(
          PatchException.Kind.TOO_LARGE,
          "The allowed maximum operations in a JSON patch is "
              + MAX_OPERATIONS
              + ", got "
              + patch.size());
    }
    JsonNode result;
    try {
      result = io.fabric8.zjsonpatch.JsonPatch.apply(patch, original, FLAGS);
    } catch (RuntimeException e) {
      // JsonPatchException and whatever else zjsonpatch throws on a malformed op: all 422 upstream.
      throw new PatchException(PatchException.Kind.INVALID, describe(e), e);
    }
    if (!result.isObject()) {
      throw PatchException.invalid("the JSON patch replaced the object with a %s", result.getNodeType());
    }
    return (ObjectNode) result;
  }

  private static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return "the JSON patch could not be applied: " + message;
  }
}
