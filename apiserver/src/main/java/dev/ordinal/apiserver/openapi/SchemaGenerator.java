package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.patch.ListStrategy;
import dev.ordinal.api.patch.PatchSchema;
import java.util.Map;
import java.util.TreeMap;

/**
 * OpenAPI v3 component schemas for model classes, with {@code $ref}s between them and the
 * strategic-merge-patch extensions kubectl's client-side apply reads to compute its patches.
 */
final class SchemaGenerator {
  private final Map<String, ObjectNode> schemas = new TreeMap<>();

  Map<String, ObjectNode> schemas() {
    return schemas;
  }

  /** Adds the schema of {@code model} (and of everything it refers to); returns its name. */
  String add(Class<?> model, PatchSchema patch) {
    String name = SchemaNames.of(model);
    if (schemas.containsKey(name) && patch == PatchSchema.OPAQUE) {
      return name;
    }
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    schemas.put(name, schema); // before recursing: types refer to themselves (JSONSchemaProps)
    ObjectNode props = schema.putObject("properties");
    for (Map.Entry<String, JavaType> p : ModelTypes.properties(model).entrySet()) {
      PatchSchema.Field field = patch.field(p.getKey());
      ObjectNode ps = schemaOf(p.getValue(), field.type());
      ListStrategy list = field.list();
      if (list.type() == ListStrategy.Type.MERGE_BY_KEY) {
        ps.put("x-kubernetes-patch-merge-key", list.mergeKey());
      }
      if (list.merges() || field.retainKeys()) {
        ps.put("x-kubernetes-patch-strategy", (list.merges() ? "merge" : "") + (list.merges() && field.retainKeys() ? "," : "")
            + (field.retainKeys() ? "retainKeys" : ""));
      }
      props.set(p.getKey(), ps);
    }
    return name;
  }

  private ObjectNode schemaOf(JavaType t, PatchSchema patch) {
    ObjectNode s = Json.object();
    switch (ModelTypes.shape(t)) {
      case STRING -> s.put("type", "string");
      case INTEGER -> s.put("type", "integer").put("format", ModelTypes.isInt64(t) ? "int64" : "int32");
      case NUMBER -> s.put("type", "number").put("format", "double");
      case BOOLEAN -> s.put("type", "boolean");
      case INT_OR_STRING -> s.put("type", "string").put("format", "int-or-string").put("x-kubernetes-int-or-string", true);
      case QUANTITY -> s.put("type", "string").put("format", "quantity").put("x-kubernetes-int-or-string", true);
      case MAP -> {
        s.put("type", "object");
        s.set("additionalProperties", schemaOf(t.getContentType(), patch));
      }
      case LIST -> {
        s.put("type", "array");
        s.set("items", schemaOf(t.getContentType(), patch));
      }
      // wrapped as Kubernetes does, so that extensions beside the reference are not ignored
      case MODEL -> s.putArray("allOf").addObject().put("$ref", "#/components/schemas/" + add(t.getRawClass(), patch));
      case ANY -> s.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    return s;
  }
}
