package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing {@code metadata} fields of an object's JSON. */
public final class Meta {
  private Meta() {}

  public static ObjectNode of(ObjectNode obj) {
    JsonNode m = obj.get("metadata");
    if (m instanceof ObjectNode o) {
      return o;
    }
    return obj.putObject("metadata");
  }

  public static String text(ObjectNode obj, String field) {
    JsonNode m = obj.get("metadata");
    JsonNode v = m == null ? null : m.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }

  public static String name(ObjectNode obj) {
    return text(obj, "name");
  }

  public static String namespace(ObjectNode obj) {
    return text(obj, "namespace");
  }

  public static String uid(ObjectNode obj) {
    return text(obj, "uid");
  }

  public static String resourceVersion(ObjectNode obj) {
    return text(obj, "resourceVersion");
  }

  public static boolean isDeleting(ObjectNode obj) {
    return !text(obj, "deletionTimestamp").isEmpty();
  }

  public static List<String> finalizers(ObjectNode obj) {
    List<String> out = new ArrayList<>();
    JsonNode m = obj.get("metadata");
    JsonNode f = m == null ? null : m.get("finalizers");
    if (f instanceof ArrayNode a) {
      a.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  public static void setFinalizers(ObjectNode obj, List<String> finalizers) {
    if (finalizers.isEmpty()) {
      of(obj).remove("finalizers");
    } else {
      ArrayNode a = of(obj).putArray("finalizers");
      finalizers.forEach(a::add);
    }
  }

  public static Map<String, String> labels(ObjectNode obj) {
    return stringMap(obj, "labels");
  }

  public static Map<String, String> annotations(ObjectNode obj) {
    return stringMap(obj, "annotations");
  }

  private static Map<String, String> stringMap(ObjectNode obj, String field) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode m = obj.get("metadata");
    JsonNode l = m == null ? null : m.get(field);
    if (l != null && l.isObject()) {
      l.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  public static List<ObjectNode> ownerReferences(ObjectNode obj) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode m = obj.get("metadata");
    JsonNode refs = m == null ? null : m.get("ownerReferences");
    if (refs instanceof ArrayNode a) {
      a.forEach(n -> {
        if (n instanceof ObjectNode o) {
          out.add(o);
        }
      });
    }
    return out;
  }

  /** RFC 3339 at whole seconds, as Kubernetes writes metav1.Time. */
  public static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  public static String now() {
    return timestamp(Instant.now());
  }
}
