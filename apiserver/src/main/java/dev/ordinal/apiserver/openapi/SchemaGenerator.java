package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.patch.ListStrategy;
import dev.ordinal.api.patch.PatchSchema;
import java.util.Map;
import java.util.TreeMap;

/**
 * Component schemas for model classes, with references between them, the strategic-merge-patch
 * extensions kubectl's client-side apply reads to compute its patches, and the list types
 * server-side apply merges by. One generator serves both OpenAPI versions: they differ only in
 * where definitions live and how a reference carries extensions beside it ({@link Dialect}).
 */
final class SchemaGenerator {

  /** Where the schemas of a document live, and how a property refers to one. */
  enum Dialect {
    /** {@code #/definitions/}; a reference sits in the property itself, as Kubernetes' swagger.json has it. */
    V2("#/definitions/", false),
    /** {@code #/components/schemas/}; wrapped in {@code allOf}, so that siblings of the reference are not ignored. */
    V3("#/components/schemas/", true);

    private final String refPrefix;
    private final boolean wrapsReferences;

    Dialect(String refPrefix, boolean wrapsReferences) {
      this.refPrefix = refPrefix;
      this.wrapsReferences = wrapsReferences;
    }

    String ref(String name) {
      return refPrefix + name;
    }
  }

  /**
   * Map lists whose elements upstream identifies by more than the patch merge key
   * ({@code +listMapKey} tags beside {@code patchMergeKey}), by the element schema's name and
   * field; every other merge-by-key list is a map keyed by its merge key alone.
   */
  private static final Map<String, String[]> COMPOUND_MAP_KEYS = Map.of(
      "Container.ports", new String[] {"containerPort", "protocol"},
      "EphemeralContainer.ports", new String[] {"containerPort", "protocol"},
      "ServiceSpec.ports", new String[] {"port", "protocol"},
      "PodSpec.topologySpreadConstraints", new String[] {"topologyKey", "whenUnsatisfiable"});

  private final Dialect dialect;
  private final Map<String, ObjectNode> schemas = new TreeMap<>();

  SchemaGenerator(Dialect dialect) {
    this.dialect = dialect;
  }

  Map<String, ObjectNode> schemas() {
    return schemas;
  }

  String ref(String name) {
    return dialect.ref(name);
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
      if (ps.path("type").asText().equals("array")) {
        listType(ps, list, model.getSimpleName() + "." + p.getKey());
      }
      props.set(p.getKey(), ps);
    }
    return name;
  }

  /**
   * {@code x-kubernetes-list-type} as upstream's {@code +listType} tags give it: lists merged by a
   * key are maps over it, merged primitive lists are sets, and every other list is atomic (which is
   * also what server-side apply assumes of an untagged list).
   */
  private static void listType(ObjectNode ps, ListStrategy list, String field) {
    switch (list.type()) {
      case MERGE_BY_KEY -> {
        ps.put("x-kubernetes-list-type", "map");
        var keys = ps.putArray("x-kubernetes-list-map-keys");
        String[] compound = COMPOUND_MAP_KEYS.get(field);
        if (compound != null) {
          for (String k : compound) {
            keys.add(k);
          }
        } else {
          keys.add(list.mergeKey());
        }
      }
      case MERGE_PRIMITIVES -> ps.put("x-kubernetes-list-type", "set");
      case ATOMIC -> ps.put("x-kubernetes-list-type", "atomic");
    }
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
      case MODEL -> {
        String ref = dialect.ref(add(t.getRawClass(), patch));
        if (dialect.wrapsReferences) {
          s.putArray("allOf").addObject().put("$ref", ref);
        } else {
          s.put("$ref", ref);
        }
      }
      case ANY -> s.put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
    }
    return s;
  }
}
