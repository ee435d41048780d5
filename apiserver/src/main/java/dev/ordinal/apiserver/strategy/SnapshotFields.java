package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fields of snapshot.storage.k8s.io/v1 (upstream's CRD schemas, v8), for
 * {@code fieldValidation=Strict}: these types have no fabric8 model here, so the registry cannot
 * find unknown fields from one. A tree of maps: a field name to its subtree, {@link #ANY} for a
 * field whose contents are free (metadata is checked by the registry's metadata rules;
 * {@code parameters} is a string map).
 */
final class SnapshotFields {
  static final Map<String, Object> ANY = Map.of();
  private static final Object LEAF = new Object();

  private static final Map<String, Object> ERROR = Map.of("message", LEAF, "time", LEAF);
  private static final Map<String, Object> REF = Map.of("apiVersion", LEAF, "kind", LEAF, "name", LEAF, "namespace", LEAF,
      "uid", LEAF, "resourceVersion", LEAF, "fieldPath", LEAF);

  static final Map<String, Object> CLASS = top(Map.of("driver", LEAF, "parameters", ANY, "deletionPolicy", LEAF));

  static final Map<String, Object> SNAPSHOT = top(Map.of(
      "spec", Map.of("source", Map.of("persistentVolumeClaimName", LEAF, "volumeSnapshotContentName", LEAF),
          "volumeSnapshotClassName", LEAF),
      "status", Map.of("boundVolumeSnapshotContentName", LEAF, "creationTime", LEAF, "readyToUse", LEAF, "restoreSize", LEAF,
          "error", ERROR, "volumeGroupSnapshotName", LEAF)));

  static final Map<String, Object> CONTENT = top(Map.of(
      "spec", Map.of("deletionPolicy", LEAF, "driver", LEAF, "source", Map.of("volumeHandle", LEAF, "snapshotHandle", LEAF),
          "sourceVolumeMode", LEAF, "volumeSnapshotClassName", LEAF, "volumeSnapshotRef", REF),
      "status", Map.of("creationTime", LEAF, "error", ERROR, "readyToUse", LEAF, "restoreSize", LEAF, "snapshotHandle", LEAF,
          "volumeGroupSnapshotHandle", LEAF)));

  private SnapshotFields() {}

  private static Map<String, Object> top(Map<String, Object> fields) {
    Map<String, Object> all = new java.util.HashMap<>(fields);
    all.put("apiVersion", LEAF);
    all.put("kind", LEAF);
    all.put("metadata", ANY);
    return Map.copyOf(all);
  }

  static List<String> unknown(Map<String, Object> schema, ObjectNode obj) {
    List<String> out = new ArrayList<>();
    walk(schema, obj, "", out);
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void walk(Map<String, Object> schema, JsonNode node, String path, List<String> out) {
    if (schema == ANY || !node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      String here = path.isEmpty() ? name : path + "." + name;
      Object sub = schema.get(name);
      if (sub == null) {
        out.add(here);
      } else if (sub instanceof Map<?, ?> m) {
        walk((Map<String, Object>) m, node.path(name), here, out);
      }
    }
  }
}
