package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import java.util.Iterator;
import java.util.Map;

/**
 * A custom resource's definition in the Swagger 2.0 document: its CRD's structural schema with
 * what OpenAPI v2 cannot say taken out, as upstream publishes it (apiextensions'
 * {@code ToStructuralOpenAPIV2}): no {@code allOf}, {@code oneOf}, {@code anyOf} or {@code not};
 * a nullable value and a value that keeps unknown fields become untyped with no properties or
 * items (kubectl's v2 validator would refuse a null, or the unknown fields, otherwise); an array
 * left without items loses its type; a nullable property is not required.
 */
final class CustomResourceSwagger {
  private CustomResourceSwagger() {}

  /** The definition of {@code type} from its CRD's {@code openAPIV3Schema}, which is not changed. */
  static ObjectNode definition(ResourceType type, JsonNode v3Schema) {
    ObjectNode s = v3Schema.deepCopy();
    ObjectNode props = s.with("properties");
    props.putObject("apiVersion").put("type", "string").put("description", "APIVersion defines the versioned schema of this "
        + "representation of an object.");
    props.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the REST "
        + "resource this object represents.");
    props.with("metadata").put("type", "object").put("description", "Standard object's metadata.");
    toV2(s);
    s.put("type", "object");
    ArrayNode gvk = s.putArray("x-kubernetes-group-version-kind");
    gvk.addObject().put("group", type.group()).put("kind", type.kind()).put("version", type.version());
    return s;
  }

  /** The definition's name, as upstream's: the group reversed, the version and the kind. */
  static String name(ResourceType type) {
    return CustomResourceDocuments.reversed(type.group()) + "." + type.version() + "." + type.kind();
  }

  /** Takes out, in place and all the way down, what a v2 schema cannot carry. */
  static void toV2(ObjectNode s) {
    s.remove(java.util.List.of("allOf", "oneOf", "anyOf", "not"));
    boolean nullable = s.path("nullable").asBoolean(false);
    s.remove("nullable");
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (nullable) {
      s.remove(java.util.List.of("type", "items", "properties"));
    }
    if (preserve) {
      s.remove(java.util.List.of("items", "properties"));
      if (s.path("type").asText().equals("object")) {
        s.remove("type");
      }
    }
    if (s.path("type").asText().equals("array") && !s.has("items")) {
      s.remove("type");
    }
    if (s.get("items") instanceof ObjectNode items) {
      toV2(items);
    }
    if (s.get("additionalProperties") instanceof ObjectNode additional) {
      boolean nullableValues = additional.path("nullable").asBoolean(false);
      toV2(additional);
      if (nullableValues) {
        s.remove("required");
      }
    }
    if (s.get("properties") instanceof ObjectNode properties) {
      for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> p = it.next();
        if (p.getValue() instanceof ObjectNode child) {
          if (child.path("nullable").asBoolean(false)) {
            notRequired(s, p.getKey());
          }
          toV2(child);
        }
      }
    }
  }

  private static void notRequired(ObjectNode s, String field) {
    if (!(s.get("required") instanceof ArrayNode required)) {
      return;
    }
    ArrayNode kept = Json.MAPPER.createArrayNode();
    required.forEach(r -> {
      if (!r.asText().equals(field)) {
        kept.add(r);
      }
    });
    if (kept.isEmpty()) {
      s.remove("required");
    } else {
      s.set("required", kept);
    }
  }
}
