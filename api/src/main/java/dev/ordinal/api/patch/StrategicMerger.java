package dev.ordinal.api.patch;

import static dev.ordinal.api.patch.JsonValues.brief;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The strategic merge algorithm, following apimachinery's strategicpatch {@code mergeMap} and
 * {@code mergeSlice} as the API server runs them (parallel lists merged, unmatched nulls dropped).
 * Works in place on trees the caller owns: both arguments of every method may be mutated.
 *
 * <p>One deliberate difference: where upstream copies a patch value verbatim because the original
 * has nothing there, and relies on decoding into a Go struct to drop leftover directive keys, we
 * merge the value into nothing instead. The result is the same once decoded, and directives never
 * reach the stored JSON.
 */
final class StrategicMerger {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StrategicMerger() {}

  /**
   * Merges {@code patch} into {@code original} (null: an absent map) and returns the result, which
   * may be {@code original} itself or a new node.
   */
  static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, PatchSchema schema) {
    JsonNode directive = patch.get(Directives.PATCH);
    if (directive != null) {
      String d = directive.isTextual() ? directive.textValue() : null;
      if (Directives.REPLACE.equals(d)) {
        patch.remove(Directives.PATCH);
        return mergeMap(null, patch, schema);
      } else if (Directives.DELETE.equals(d)) {
        return NODES.objectNode();
      } else if (Directives.MERGE.equals(d)) {
        // The documented default, spelled out. Upstream rejects it on apply; accepting it is harmless.
        patch.remove(Directives.PATCH);
      } else {
        throw PatchException.badRequest("unknown patch type: %s in map: %s", brief(directive), brief(patch));
      }
    }
    ObjectNode result = original != null ? original : NODES.objectNode();
    applyRetainKeys(result, patch);
    applySetElementOrder(result, patch, schema);
    for (String key : fieldNames(patch)) {
      JsonNode value = patch.get(key);
      if (Directives.isDeleteFromPrimitiveList(key)) {
        deleteFromList(result, Directives.listKey(key, Directives.DELETE_FROM_PRIMITIVE_LIST), value);
      } else if (value.isNull()) {
        result.remove(key);
      } else {
        JsonNode existing = result.get(key);
        if (existing != null && existing.isObject() && value.isObject()) {
          result.set(key, mergeMap((ObjectNode) existing, (ObjectNode) value, schema.child(key)));
        } else if (existing != null && existing.isArray() && value.isArray()) {
          result.set(key, mergeListField((ArrayNode) existing, (ArrayNode) value, schema, key));
        } else {
          // Absent, or the kind of value changed: the patch value wins, directives resolved.
          result.set(key, fresh(value, schema, key));
        }
      }
    }
    return result;
  }

  private static JsonNode fresh(JsonNode value, PatchSchema schema, String key) {
    if (value.isObject()) {
      return mergeMap(null, (ObjectNode) value, schema.child(key));
    }
    if (value.isArray()) {
      return mergeListField(NODES.arrayNode(), (ArrayNode) value, schema, key);
    }
    return value;
  }

  // --- lists ------------------------------------------------------------------------------------

  private static ArrayNode mergeListField(
      ArrayNode original, ArrayNode patch, PatchSchema schema, String key) {
    ListStrategy strategy = schema.listStrategy(key);
    PatchSchema elementSchema = schema.child(key);
    return switch (strategy.type()) {
      case ATOMIC -> replaceList(patch, elementSchema);
      case MERGE_PRIMITIVES -> mergePrimitiveList(original, patch, key);
      case MERGE_BY_KEY -> mergeKeyedList(original, patch, strategy.mergeKey(), elementSchema, key);
    };
  }

  private static ArrayNode replaceList(ArrayNode patch, PatchSchema elementSchema) {
    ArrayNode out = NODES.arrayNode();
    for (JsonNode item : patch) {
      out.add(item.isObject() ? mergeMap(null, (ObjectNode) item, elementSchema) : item);
    }
    return out;
  }

  /** Set union in which the patch's elements keep the patch's order (e.g. finalizers). */
  private static ArrayNode mergePrimitiveList(ArrayNode original, ArrayNode patch, String key) {
    List<JsonNode> server = elements(original);
    List<JsonNode> patched = elements(patch);
    for (JsonNode item : concat(server, patched)) {
      if (item.isArray()) {
        throw PatchException.invalid("lists of lists are not supported");
      }
      if (item.isObject()) {
        throw PatchException.badRequest("cannot merge lists without merge key for %s", key);
      }
    }
    List<JsonNode> merged = new ArrayList<>();
    for (JsonNode item : concat(server, patched)) {
      if (ElementOrder.indexOf(merged, item, null) < 0) {
        merged.add(item);
      }
    }
    ElementOrder.Partition parts = ElementOrder.partition(merged, patched, null);
    return array(ElementOrder.normalize(parts, patched, server, null));
  }

  /**
   * Merges lists of objects by {@code mergeKey}: {@code {"$patch":"delete", key: v}} removes the
   * elements with that key, {@code {"$patch":"replace"}} makes the other patch elements the whole
   * list, a patch element whose key exists merges into it, any other is added.
   */
  private static ArrayNode mergeKeyedList(
      ArrayNode original, ArrayNode patch, String mergeKey, PatchSchema elementSchema, String key) {
    List<JsonNode> merged = elements(original);
    for (JsonNode item : concat(merged, elements(patch))) {
      if (item.isArray()) {
        throw PatchException.invalid("lists of lists are not supported");
      }
      if (!item.isObject()) {
        throw PatchException.badRequest(
            "%s merges by %s and needs objects, got %s", key, mergeKey, brief(item));
      }
    }
    List<JsonNode> regular = new ArrayList<>();
    boolean replace = false;
    for (JsonNode item : patch) {
      JsonNode directive = item.get(Directives.PATCH);
      if (directive == null) {
        regular.add(item);
        continue;
      }
      String d = directive.isTextual() ? directive.textValue() : null;
      if (Directives.DELETE.equals(d)) {
        JsonNode value = requireMergeKey(item, mergeKey);
        merged.removeIf(e -> JsonValues.same(e.get(mergeKey), value));
      } else if (Directives.REPLACE.equals(d)) {
        replace = true;
      } else if (!Directives.MERGE.equals(d)) {
        // {"$patch":"merge"} as an element only restates the list strategy; skip it.
        throw PatchException.badRequest("unknown patch type: %s in map: %s", brief(directive), brief(item));
      }
    }
    if (replace) {
      return replaceList(array(regular), elementSchema);
    }
    List<JsonNode> serverOrder = List.copyOf(merged);
    for (JsonNode item : regular) {
      JsonNode value = requireMergeKey(item, mergeKey);
      int at = indexOfKey(merged, mergeKey, value);
      if (at >= 0) {
        merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) item, elementSchema));
      } else {
        merged.add(mergeMap(null, (ObjectNode) item, elementSchema));
      }
    }
    ElementOrder.Partition parts = ElementOrder.partition(merged, regular, mergeKey);
    return array(ElementOrder.normalize(parts, regular, serverOrder, mergeKey));
  }

  private static int indexOfKey(List<JsonNode> list, String mergeKey, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      if (JsonValues.same(list.get(i).get(mergeKey), value)) {
        return i;
      }
    }
    return -1;
  }

  private static JsonNode requireMergeKey(JsonNode item, String mergeKey) {
    JsonNode value = item.isObject() ? item.get(mergeKey) : null;
    if (value == null) {
      throw PatchException.badRequest(
          "map: %s does not contain declared merge key: %s", brief(item), mergeKey);
    }
    return value;
  }

  // --- directives on a map ----------------------------------------------------------------------

  /**
   * {@code $retainKeys}: every key the patch sets must be listed, and keys of the original that
   * are not listed are cleared.
   */
  private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
    JsonNode listed = patch.remove(Directives.RETAIN_KEYS);
    if (listed == null) {
      return;
    }
    if (!listed.isArray()) {
      throw PatchException.badRequest("invalid patch format of retainKeys");
    }
    Set<String> retained = new HashSet<>();
    listed.forEach(k -> retained.add(k.asText()));
    for (String key : fieldNames(patch)) {
      if (patch.get(key).isNull()
          || Directives.isDeleteFromPrimitiveList(key)
          || Directives.isSetElementOrder(key)) {
        continue;
      }
      if (!retained.contains(key)) {
        throw PatchException.badRequest(
            "invalid patch format of retainKeys: %s is set but not in $retainKeys", key);
      }
    }
    original.retain(retained);
  }

  /**
   * {@code $setElementOrder/<list>}: merges the list (if the patch has it) and orders the result:
   * the listed elements in the listed order, server-only elements kept in between. Consumes both
   * the directive and the list from the patch.
   */
  private static void applySetElementOrder(ObjectNode original, ObjectNode patch, PatchSchema schema) {
    for (String directiveKey : fieldNames(patch)) {
      if (!Directives.isSetElementOrder(directiveKey)) {
        continue;
      }
      JsonNode order = patch.remove(directiveKey);
      String key = Directives.listKey(directiveKey, Directives.SET_ELEMENT_ORDER);
      if (!order.isArray()) {
        throw PatchException.badRequest("invalid patch format of setElementOrder list");
      }
      JsonNode originalList = original.get(key);
      JsonNode patchList = patch.get(key);
      if ((originalList != null && !originalList.isArray()) || (patchList != null && !patchList.isArray())) {
        throw PatchException.badRequest("%s is not a list but has %s", key, directiveKey);
      }
      ListStrategy strategy = schema.listStrategy(key);
      String mergeKey = strategy.mergeKey();
      List<JsonNode> orderList = elements((ArrayNode) order);
      validateOrder(patchList == null ? List.of() : elements((ArrayNode) patchList), orderList, mergeKey, directiveKey);
      ArrayNode merged;
      if (patchList == null && originalList == null) {
        continue;
      } else if (patchList == null) {
        merged = (ArrayNode) originalList;
      } else {
        ArrayNode base = originalList == null ? NODES.arrayNode() : (ArrayNode) originalList;
        merged = mergeListField(base, (ArrayNode) patchList, schema, key);
      }
      if (strategy.merges()) {
        List<JsonNode> items = elements(merged);
        if (mergeKey != null) {
          for (JsonNode item : concat(items, orderList)) {
            requireMergeKey(item, mergeKey);
          }
        }
        List<JsonNode> serverOrder = originalList == null ? List.of() : elements((ArrayNode) originalList);
        ElementOrder.Partition parts = ElementOrder.partition(items, orderList, mergeKey);
        merged = array(ElementOrder.normalize(parts, orderList, serverOrder, mergeKey));
      }
      original.set(key, merged);
      patch.remove(key);
    }
  }

  /**
   * The patch list's elements (deletions and directive elements aside) must appear in the {@code
   * $setElementOrder} list, in the same relative order.
   */
  private static void validateOrder(
      List<JsonNode> patchList, List<JsonNode> order, String mergeKey, String directiveKey) {
    if (patchList.isEmpty() || order.isEmpty()) {
      return;
    }
    List<JsonNode> items = new ArrayList<>();
    for (JsonNode item : patchList) {
      if (!(item.isObject() && item.has(Directives.PATCH))) {
        items.add(item);
      }
    }
    int i = 0;
    int j = 0;
    while (i < items.size() && j < order.size()) {
      JsonNode item = items.get(i);
      JsonNode wanted = order.get(j);
      boolean same =
          mergeKey == null
              ? JsonValues.same(item, wanted)
              : JsonValues.same(requireMergeKey(item, mergeKey), requireMergeKey(wanted, mergeKey));
      if (same) {
        i++;
      }
      j++;
    }
    if (i < items.size()) {
      throw PatchException.badRequest(
          "The order in patch list: %s doesn't match %s list: %s",
          brief(array(patchList)), directiveKey, brief(array(order)));
    }
  }

  /** {@code $deleteFromPrimitiveList/<list>}: removes these values; nothing to do if absent. */
  private static void deleteFromList(ObjectNode original, String key, JsonNode values) {
    if (!values.isArray()) {
      throw PatchException.badRequest("invalid patch format of primitive list");
    }
    JsonNode existing = original.get(key);
    if (existing == null || !existing.isArray()) {
      return;
    }
    List<JsonNode> doomed = elements((ArrayNode) values);
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode item : existing) {
      if (ElementOrder.indexOf(doomed, item, null) < 0) {
        kept.add(item);
      }
    }
    original.set(key, array(kept));
  }

  // --- helpers ----------------------------------------------------------------------------------

  private static List<String> fieldNames(ObjectNode node) {
    List<String> names = new ArrayList<>(node.size());
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<JsonNode> elements(ArrayNode array) {
    List<JsonNode> out = new ArrayList<>(array.size());
    array.forEach(out::add);
    return out;
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static ArrayNode array(List<JsonNode> items) {
    ArrayNode out = NODES.arrayNode();
    out.addAll(items);
    return out;
  }
}
