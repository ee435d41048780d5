package dev.ordinal.api.patch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;

/** Applies a PATCH request body by its Content-Type: the one entry point for the API server. */
public final class Patches {

  private Patches() {}

  /**
   * Parses {@code body} and applies it as the patch {@code contentType} names.
   *
   * @return the patched object, new; {@code original} is not mutated
   * @throws PatchException UNSUPPORTED_MEDIA_TYPE for a content type that is not JSON patch,
   *     merge patch or strategic merge patch (server-side apply is not a patch this package
   *     applies); BAD_REQUEST when the body is not JSON; otherwise as the patch type's {@code
   *     apply}
   */
  public static ObjectNode apply(
      String contentType, ResourceType type, ObjectNode original, byte[] body) {
    PatchFormat format = formatOf(contentType);
    return apply(format, KubernetesPatchSchemas.schemaKey(type), original, parse(body));
  }

  /**
   * Applies an already parsed patch.
   *
   * @param schemaKey "apiVersion/Kind" of the object, used by strategic merge patch only
   */
  public static ObjectNode apply(
      PatchFormat format, String schemaKey, ObjectNode original, JsonNode patch) {
    return switch (format) {
      case JSON_PATCH -> JsonPatch.apply(original, patch);
      case MERGE_PATCH -> JsonMergePatch.apply(original, patch);
      case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(schemaKey, original, patch);
      case APPLY_PATCH ->
          throw new PatchException(
              PatchException.Kind.UNSUPPORTED_MEDIA_TYPE,
              "server-side apply (" + format.mediaType() + ") is not a patch Patches applies");
    };
  }

  /**
   * The format of a Content-Type header value.
   *
   * @throws PatchException UNSUPPORTED_MEDIA_TYPE with Kubernetes' message for anything else
   */
  public static PatchFormat formatOf(String contentType) {
    return PatchFormat.fromContentType(contentType)
        .orElseThrow(
            () ->
                new PatchException(
                    PatchException.Kind.UNSUPPORTED_MEDIA_TYPE,
                    "the body of the request was in an unknown format - accepted media types"
                        + " include: application/json-patch+json, application/merge-patch+json,"
                        + " application/apply-patch+yaml, application/strategic-merge-patch+json"));
  }

  /** Parses a patch body; BAD_REQUEST when it is not JSON. */
  public static JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw PatchException.badRequest("the patch body is empty");
    }
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw PatchException.badRequest("the patch body is empty");
      }
      return node;
    } catch (JacksonException e) {
      throw new PatchException(
          PatchException.Kind.BAD_REQUEST, "error decoding patch: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new PatchException(PatchException.Kind.BAD_REQUEST, "error decoding patch: " + e.getMessage(), e);
    }
  }
}
