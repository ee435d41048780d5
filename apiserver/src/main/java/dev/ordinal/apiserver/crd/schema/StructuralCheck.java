package dev.ordinal.apiserver.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Whether a CRD version's {@code openAPIV3Schema} is structural, and its extensions well formed,
 * with upstream's field paths ({@code spec.versions[0].schema.openAPIV3Schema.properties[spec].type:
 * Required value: must not be empty for specified object fields}). Pure.
 */
public final class StructuralCheck {
  private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean");
  private static final Set<String> FORBIDDEN = Set.of("$ref", "definitions", "dependencies", "patternProperties",
      "id", "$schema", "additionalItems");

  private StructuralCheck() {}

  /** Errors of the schema at {@code path} (e.g. {@code spec.versions[0].schema.openAPIV3Schema}). */
  public static List<FieldError> check(JsonNode schema, String path) {
    List<FieldError> out = new ArrayList<>();
    if (!schema.path("type").asText("").equals("object")) {
      out.add(FieldError.invalid(path + ".type", schema.path("type").asText(""), "must be object at the root"));
    }
    node(schema, path, true, out);
    return out;
  }

  private static void node(JsonNode s, String path, boolean root, List<FieldError> out) {
    if (!s.isObject()) {
      out.add(FieldError.invalid(path, s.toString(), "must be a schema object"));
      return;
    }
    for (String f : FORBIDDEN) {
      if (s.has(f)) {
        out.add(FieldError.forbidden(path + "." + f, f + " is not supported"));
      }
    }
    String type = s.path("type").asText("");
    boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (type.isEmpty() && !intOrString && !preserve) {
      out.add(FieldError.required(path + ".type", "must not be empty for specified object fields"));
    } else if (!type.isEmpty() && !TYPES.contains(type)) {
      out.add(FieldError.notSupported(path + ".type", type, List.of("array", "boolean", "integer", "number", "object", "string")));
    }
    if (intOrString && !type.isEmpty()) {
      out.add(FieldError.invalid(path + ".type", type, "must be empty if x-kubernetes-int-or-string is true"));
    }
    if (s.path("x-kubernetes-embedded-resource").asBoolean(false) && !type.equals("object")) {
      out.add(FieldError.invalid(path + ".type", type, "must be object if x-kubernetes-embedded-resource is true"));
    }
    if (s.has("properties") && s.has("additionalProperties") && !s.get("additionalProperties").isBoolean()) {
      out.add(FieldError.forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
    }
    if (s.has("pattern") && SchemaValidator.pattern(s.get("pattern").asText()) == null) {
      out.add(FieldError.invalid(path + ".pattern", s.get("pattern").asText(), "must be a valid regular expression"));
    }
    if (type.equals("array")) {
      if (!s.has("items")) {
        out.add(FieldError.required(path + ".items", "must be specified"));
      }
      listType(s, path, out);
    } else if (s.has("x-kubernetes-list-type")) {
      out.add(FieldError.invalid(path + ".x-kubernetes-list-type", s.get("x-kubernetes-list-type").asText(),
          "must only be used on type array"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (root && p.getKey().equals("metadata")) {
        metadata(p.getValue(), path + ".properties[metadata]", out);
        continue;
      }
      node(p.getValue(), path + ".properties[" + p.getKey() + "]", false, out);
    }
    if (s.path("additionalProperties").isObject()) {
      node(s.get("additionalProperties"), path + ".additionalProperties", false, out);
    }
    if (s.path("items").isObject()) {
      node(s.get("items"), path + ".items", false, out);
    } else if (s.path("items").isArray()) {
      out.add(FieldError.forbidden(path + ".items", "items must be a schema object and not an array"));
    }
    for (String combinator : List.of("allOf", "anyOf", "oneOf")) {
      for (JsonNode sub : s.path(combinator)) {
        if (sub.has("type") || sub.has("default") || sub.has("nullable") || sub.has("description")) {
          out.add(FieldError.forbidden(path + "." + combinator + "[0].type", "must be empty to be structural"));
          break;
        }
      }
    }
    int i = 0;
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      String rp = path + ".x-kubernetes-validations[" + i++ + "]";
      if (rule.path("rule").asText("").isBlank()) {
        out.add(FieldError.required(rp + ".rule", ""));
        continue;
      }
      CelRules.compileError(rule.get("rule").asText()).ifPresent(e -> out.add(FieldError.invalid(rp + ".rule", rule.get("rule").asText(), e)));
      if (rule.has("messageExpression")) {
        CelRules.compileError(rule.get("messageExpression").asText())
            .ifPresent(e -> out.add(FieldError.invalid(rp + ".messageExpression", rule.get("messageExpression").asText(), e)));
      }
      if (rule.has("message") && rule.get("message").asText().isBlank()) {
        out.add(FieldError.required(rp + ".message", "message must be non-empty if specified"));
      }
    }
  }

  private static void listType(JsonNode s, String path, List<FieldError> out) {
    String lt = s.path("x-kubernetes-list-type").asText("atomic");
    if (!List.of("atomic", "set", "map").contains(lt)) {
      out.add(FieldError.notSupported(path + ".x-kubernetes-list-type", lt, List.of("atomic", "set", "map")));
      return;
    }
    JsonNode items = s.path("items");
    if (lt.equals("map")) {
      List<String> keys = ListTypes.mapKeys(s);
      if (keys.isEmpty()) {
        out.add(FieldError.required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
      }
      if (!items.path("type").asText("").equals("object")) {
        out.add(FieldError.invalid(path + ".items.type", items.path("type").asText(""),
            "must be object if parent array's x-kubernetes-list-type is map"));
        return;
      }
      for (String k : keys) {
        JsonNode ks = items.path("properties").get(k);
        if (ks == null) {
          out.add(FieldError.invalid(path + ".x-kubernetes-list-map-keys", keys.toString(),
              "entries must all be names of item properties"));
        } else if (!Set.of("string", "integer", "number", "boolean").contains(ks.path("type").asText(""))) {
          out.add(FieldError.invalid(path + ".items.properties[" + k + "].type", ks.path("type").asText(""),
              "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        } else {
          boolean required = false;
          for (JsonNode r : items.path("required")) {
            required |= r.asText().equals(k);
          }
          if (!required && !ks.has("default")) {
            out.add(FieldError.required(path + ".items.properties[" + k + "].default",
                "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
          }
        }
      }
    } else if (s.has("x-kubernetes-list-map-keys")) {
      out.add(FieldError.invalid(path + ".x-kubernetes-list-map-keys", ListTypes.mapKeys(s).toString(),
          "must be empty if x-kubernetes-list-type is not map"));
    }
    if (lt.equals("set") && Set.of("object", "array").contains(items.path("type").asText(""))) {
      out.add(FieldError.invalid(path + ".items.type", items.path("type").asText(""),
          "must be a scalar type if parent array's x-kubernetes-list-type is set"));
    }
  }

  /** At the root, metadata may only say it is an object and restrict name and generateName. */
  private static void metadata(JsonNode s, String path, List<FieldError> out) {
    if (s.has("type") && !s.path("type").asText().equals("object")) {
      out.add(FieldError.invalid(path + ".type", s.path("type").asText(), "must be object"));
    }
    for (Iterator<String> it = s.path("properties").fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!name.equals("name") && !name.equals("generateName")) {
        out.add(FieldError.forbidden(path + ".properties[" + name + "]", "must not be specified"));
      }
    }
  }
}
