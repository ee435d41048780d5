package dev.ordinal.apiserver.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upstream's structural pruning: fields the schema does not specify are dropped, unless
 * {@code x-kubernetes-preserve-unknown-fields} keeps them; {@code apiVersion}, {@code kind} and
 * {@code metadata} survive at the root and in embedded resources. Changes the value in place.
 */
public final class Pruner {
  private static final Set<String> TYPE_META = Set.of("apiVersion", "kind", "metadata");

  private Pruner() {}

  /** Prunes a whole object; returns the paths dropped (e.g. {@code spec.replicass}), in document order. */
  public static List<String> prune(ObjectNode obj, JsonNode schema) {
    List<String> dropped = new ArrayList<>();
    walk(obj, schema, "", true, dropped);
    return dropped;
  }

  private static void walk(JsonNode v, JsonNode s, String path, boolean keepTypeMeta, List<String> dropped) {
    if (s == null || v == null) {
      return;
    }
    if (v.isArray()) {
      JsonNode items = s.get("items");
      for (int i = 0; i < v.size(); i++) {
        walk(v.get(i), items, path + "[" + i + "]", false, dropped);
      }
      return;
    }
    if (!(v instanceof ObjectNode o)) {
      return;
    }
    boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      String name = f.getKey();
      String here = SchemaValidator.child(path, name);
      if ((keepTypeMeta || embedded) && TYPE_META.contains(name) && !props.has(name)) {
        continue;
      }
      JsonNode ps = props.get(name);
      if (ps != null) {
        walk(f.getValue(), ps, here, false, dropped);
      } else if (additional != null && additional.isObject()) {
        walk(f.getValue(), additional, here, false, dropped);
      } else if (!preserve && !(additional != null && additional.asBoolean(false))) {
        dropped.add(here);
        it.remove();
      }
    }
  }
}
