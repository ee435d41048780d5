package dev.ordinal.apiserver.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Upstream's structural defaulting: a property with a {@code default} that is absent (or null
 * where the schema is not nullable) gets a copy of it, and defaulting goes on inside it, so
 * defaults within defaults apply. Runs on writes (in the request's version) and on every read
 * from storage (in the version read), as upstream; what reads add is not written back.
 */
public final class Defaulter {
  private Defaulter() {}

  /** Fills defaults in place; returns whether anything changed. */
  public static boolean apply(JsonNode v, JsonNode s) {
    if (s == null || v == null) {
      return false;
    }
    boolean changed = false;
    if (v instanceof ArrayNode a) {
      JsonNode items = s.get("items");
      for (JsonNode item : a) {
        changed |= apply(item, items);
      }
      return changed;
    }
    if (!(v instanceof ObjectNode o)) {
      return false;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      JsonNode def = p.getValue().get("default");
      if (def == null) {
        continue;
      }
      JsonNode current = o.get(p.getKey());
      if (current == null || (current.isNull() && !p.getValue().path("nullable").asBoolean(false))) {
        o.set(p.getKey(), def.deepCopy());
        changed = true;
      }
    }
    JsonNode props = s.path("properties");
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      JsonNode ps = props.get(f.getKey());
      if (ps == null && additional != null && additional.isObject()) {
        ps = additional;
      }
      changed |= apply(f.getValue(), ps);
    }
    return changed;
  }
}
