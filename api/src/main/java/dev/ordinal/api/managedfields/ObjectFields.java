package dev.ordinal.api.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The walks over objects that field management needs, each following the {@link FieldSchema}:
 * the fields an applied configuration sets, what changed between two versions of an object, the
 * merge of a configuration into the live object, and the removal of fields nobody applies any
 * more. Pure functions over Jackson trees.
 */
public final class ObjectFields {
  private ObjectFields() {}

  /** Numbers compare by value (an int 0 and a long 0 are the same field value). */
  private static final Comparator<JsonNode> VALUES = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue());
    }
    return a.equals(b) ? 0 : 1;
  };

  static boolean same(JsonNode a, JsonNode b) {
    return a.equals(VALUES, b);
  }

  // ---- the fields a configuration sets (upstream's ToFieldSet)

  /** The fields {@code config} sets, leaving out those under {@code ignored}. */
  public static FieldSet applied(JsonNode config, FieldSchema schema, FieldSet ignored) {
    FieldSet out = new FieldSet();
    appliedInto(config, schema, out, ignored);
    return out;
  }

  private static void appliedInto(JsonNode v, FieldSchema s, FieldSet node, FieldSet ignored) {
    if (v.isObject()) {
      if (v.isEmpty() || s.atomicObject()) {
        node.setMember(true);
        return;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String e = Paths.field(f.getKey());
        FieldSet ig = ignored == null ? null : ignored.child(e);
        if (ig != null && ig.member()) {
          continue;
        }
        appliedInto(f.getValue(), s.field(f.getKey()), node.descend(e), ig);
      }
      return;
    }
    if (v.isArray() && s.listType() != FieldSchema.ListType.ATOMIC) {
      Set<String> seen = new HashSet<>();
      for (JsonNode item : v) {
        String e = Paths.item(item, s);
        if (e == null) {
          throw new IllegalArgumentException("associative list with keys " + s.mapKeys()
              + " has an element that omits all key fields");
        }
        if (!seen.add(e)) {
          throw new IllegalArgumentException("duplicate entries for key " + Paths.print(List.of(e)));
        }
        FieldSet c = node.descend(e);
        c.setMember(true);
        if (s.listType() == FieldSchema.ListType.MAP) {
          appliedInto(item, s.items(), c, null);
          c.setMember(true);
        }
      }
      return;
    }
    node.setMember(true);
  }

  // ---- what changed (upstream's Compare: added and modified, removed)

  /**
   * What an update changed.
   *
   * @param changed fields added or given another value (with the lists, granular maps and list
   *     items it added)
   * @param removed fields and items that are gone
   */
  public record Diff(FieldSet changed, FieldSet removed) {
    public boolean isEmpty() {
      return changed.isEmpty() && removed.isEmpty();
    }
  }

  /** Compares two versions of an object (old may be null: a create), skipping {@code ignored}. */
  public static Diff diff(JsonNode old, JsonNode updated, FieldSchema schema, FieldSet ignored) {
    Diff d = new Diff(new FieldSet(), new FieldSet());
    diff(old, updated, schema, new ArrayList<>(), d, ignored);
    return d;
  }

  private static void diff(JsonNode old, JsonNode nu, FieldSchema s, List<String> path, Diff d, FieldSet ignored) {
    if (old == null) {
      added(nu, s, path, d.changed, ignored);
      return;
    }
    if (nu == null) {
      insert(d.removed, path);
      return;
    }
    if (old.isObject() && nu.isObject() && !s.atomicObject() && !(old.isEmpty() && nu.isEmpty())) {
      for (Iterator<Map.Entry<String, JsonNode>> it = nu.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String e = Paths.field(f.getKey());
        FieldSet ig = ignored == null ? null : ignored.child(e);
        if (ig != null && ig.member()) {
          continue;
        }
        path.add(e);
        diff(old.get(f.getKey()), f.getValue(), s.field(f.getKey()), path, d, ig);
        path.remove(path.size() - 1);
      }
      for (Iterator<String> it = old.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!nu.has(k)) {
          String e = Paths.field(k);
          FieldSet ig = ignored == null ? null : ignored.child(e);
          if (ig == null || !ig.member()) {
            path.add(e);
            insert(d.removed, path);
            path.remove(path.size() - 1);
          }
        }
      }
      return;
    }
    if (old.isArray() && nu.isArray() && s.listType() != FieldSchema.ListType.ATOMIC && !(old.isEmpty() && nu.isEmpty())) {
      Map<String, JsonNode> before = index(old, s);
      Map<String, JsonNode> after = index(nu, s);
      if (before != null && after != null) {
        for (Map.Entry<String, JsonNode> item : after.entrySet()) {
          path.add(item.getKey());
          diff(before.get(item.getKey()), item.getValue(), s.items(), path, d, null);
          path.remove(path.size() - 1);
        }
        for (String e : before.keySet()) {
          if (!after.containsKey(e)) {
            path.add(e);
            insert(d.removed, path);
            path.remove(path.size() - 1);
          }
        }
        return;
      }
    }
    if (!same(old, nu)) {
      insert(d.changed, path);
    }
  }

  /** The items of a list by their path element; null when one has none or two share one. */
  private static Map<String, JsonNode> index(JsonNode list, FieldSchema s) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode item : list) {
      String e = Paths.item(item, s);
      if (e == null || out.put(e, item) != null) {
        return null;
      }
    }
    return out;
  }

  private static void added(JsonNode v, FieldSchema s, List<String> path, FieldSet changed, FieldSet ignored) {
    if (v.isObject() && !v.isEmpty() && !s.atomicObject()) {
      if (s.granularMap()) {
        insert(changed, path);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String e = Paths.field(f.getKey());
        FieldSet ig = ignored == null ? null : ignored.child(e);
        if (ig != null && ig.member()) {
          continue;
        }
        path.add(e);
        added(f.getValue(), s.field(f.getKey()), path, changed, ig);
        path.remove(path.size() - 1);
      }
      return;
    }
    if (v.isArray() && !v.isEmpty() && s.listType() != FieldSchema.ListType.ATOMIC) {
      Map<String, JsonNode> items = index(v, s);
      if (items != null) {
        insert(changed, path);
        for (Map.Entry<String, JsonNode> item : items.entrySet()) {
          path.add(item.getKey());
          insert(changed, path);
          if (s.listType() == FieldSchema.ListType.MAP) {
            FieldSchema is = s.items();
            for (Iterator<Map.Entry<String, JsonNode>> it = item.getValue().fields(); it.hasNext(); ) {
              Map.Entry<String, JsonNode> f = it.next();
              path.add(Paths.field(f.getKey()));
              added(f.getValue(), is.field(f.getKey()), path, changed, null);
              path.remove(path.size() - 1);
            }
          }
          path.remove(path.size() - 1);
        }
        return;
      }
    }
    insert(changed, path);
  }

  private static void insert(FieldSet set, List<String> path) {
    FieldSet n = set;
    for (String e : path) {
      n = n.descend(e);
    }
    n.setMember(true);
  }

  // ---- the merge of an applied configuration

  /**
   * The live object with {@code config} merged in: objects by field, map lists by key and set
   * lists by value (items in the configuration's order, live-only items kept where they stood),
   * everything else replaced. A null in the configuration removes the field. Shares no nodes
   * with either input.
   *
   * @throws IllegalArgumentException when the configuration's list items repeat a key or omit it
   */
  public static JsonNode merge(JsonNode live, JsonNode config, FieldSchema s) {
    if (live == null || live.isNull()) {
      return clean(config);
    }
    if (config.isObject() && live.isObject() && !s.atomicObject()) {
      ObjectNode out = ((ObjectNode) live).deepCopy();
      for (Iterator<Map.Entry<String, JsonNode>> it = config.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (f.getValue().isNull()) {
          out.remove(f.getKey());
        } else {
          out.set(f.getKey(), merge(live.get(f.getKey()), f.getValue(), s.field(f.getKey())));
        }
      }
      return out;
    }
    if (config.isArray() && live.isArray() && s.listType() != FieldSchema.ListType.ATOMIC) {
      return mergeList((ArrayNode) live, (ArrayNode) config, s);
    }
    return clean(config);
  }

  private static ArrayNode mergeList(ArrayNode live, ArrayNode config, FieldSchema s) {
    List<String> rhs = new ArrayList<>();
    Map<String, JsonNode> rhsItems = new HashMap<>();
    for (JsonNode item : config) {
      String e = Paths.item(item, s);
      if (e == null) {
        throw new IllegalArgumentException("associative list with keys " + s.mapKeys()
            + " has an element that omits all key fields");
      }
      if (rhsItems.put(e, item) != null) {
        throw new IllegalArgumentException("duplicate entries for key " + Paths.print(List.of(e)));
      }
      rhs.add(e);
    }
    List<String> lhs = new ArrayList<>();
    Map<String, JsonNode> lhsItems = new HashMap<>();
    List<JsonNode> lhsValues = new ArrayList<>();
    for (JsonNode item : live) {
      String e = Paths.item(item, s);
      if (e != null && lhsItems.containsKey(e)) {
        continue; // a repeated live item: the first one stands for the key
      }
      if (e != null) {
        lhsItems.put(e, item);
      }
      lhs.add(e);
      lhsValues.add(item);
    }
    List<String> shared = new ArrayList<>();
    for (String e : rhs) {
      if (lhsItems.containsKey(e)) {
        shared.add(e);
      }
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    FieldSchema items = s.items();
    int li = 0;
    int ri = 0;
    int si = 0;
    while (li < lhs.size() || ri < rhs.size()) {
      String le = li < lhs.size() ? lhs.get(li) : null;
      if (li < lhs.size() && ri < rhs.size() && le != null && le.equals(rhs.get(ri))) {
        out.add(merge(lhsValues.get(li), rhsItems.get(le), items));
        li++;
        ri++;
        si++;
        continue;
      }
      if (li < lhs.size()) {
        if (le == null || !rhsItems.containsKey(le)) {
          out.add(lhsValues.get(li).deepCopy());
          li++;
          continue;
        }
        if (si >= shared.size() || !shared.get(si).equals(le) || ri >= rhs.size()) {
          li++; // merged where the configuration puts it
          continue;
        }
      }
      String re = rhs.get(ri);
      out.add(merge(lhsItems.get(re), rhsItems.get(re), items));
      ri++;
      if (si < shared.size() && shared.get(si).equals(re)) {
        si++;
      }
    }
    return out;
  }

  /** A deep copy without null members. */
  private static JsonNode clean(JsonNode v) {
    if (v.isObject()) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        if (!f.getValue().isNull()) {
          o.set(f.getKey(), clean(f.getValue()));
        }
      }
      return o;
    }
    if (v.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (JsonNode item : v) {
        a.add(clean(item));
      }
      return a;
    }
    return v.deepCopy();
  }

  // ---- removal of fields no longer applied

  /**
   * Removes from {@code obj} (in place) each field of {@code drop} at or below which {@code keep}
   * holds nothing; a list item's key fields stay while the item does, and a map or list emptied
   * by the removal goes too.
   */
  public static void prune(JsonNode obj, FieldSchema s, FieldSet drop, FieldSet keep) {
    pruneIn(obj, s, drop, keep, Set.of());
  }

  private static boolean pruneIn(JsonNode v, FieldSchema s, FieldSet drop, FieldSet keep, Set<String> keyFields) {
    boolean removed = false;
    for (Map.Entry<String, FieldSet> d : drop.children().entrySet()) {
      String e = d.getKey();
      FieldSet keepChild = keep == null ? null : keep.child(e);
      boolean kept = keepChild != null && !keepChild.isEmpty();
      if (e.startsWith("f:") && v instanceof ObjectNode o) {
        String name = e.substring(2);
        JsonNode cv = o.get(name);
        if (cv == null || keyFields.contains(name)) {
          continue;
        }
        if (d.getValue().member() && !kept) {
          o.remove(name);
          removed = true;
        } else if (pruneIn(cv, s.field(name), d.getValue(), keepChild, Set.of()) && cv.isContainerNode() && cv.isEmpty()
            && (keepChild == null || !keepChild.member())) {
          o.remove(name);
          removed = true;
        }
      } else if (v instanceof ArrayNode a) {
        for (int i = 0; i < a.size(); i++) {
          if (!e.equals(Paths.item(a.get(i), s))) {
            continue;
          }
          if (d.getValue().member() && !kept) {
            a.remove(i);
            removed = true;
          } else {
            Set<String> keys = s.listType() == FieldSchema.ListType.MAP ? Set.copyOf(s.mapKeys()) : Set.of();
            pruneIn(a.get(i), s.items(), d.getValue(), keepChild, keys);
          }
          break;
        }
      }
    }
    return removed;
  }

  /** The value at {@code path} in {@code obj}, or null. */
  public static JsonNode at(JsonNode obj, FieldSchema s, List<String> path) {
    JsonNode v = obj;
    for (String e : path) {
      if (v == null) {
        return null;
      }
      if (e.startsWith("f:")) {
        String name = e.substring(2);
        v = v.isObject() ? v.get(name) : null;
        s = s.field(name);
      } else if (v.isArray()) {
        JsonNode found = null;
        for (JsonNode item : v) {
          if (e.equals(Paths.item(item, s))) {
            found = item;
            break;
          }
        }
        v = found;
        s = s.items();
      } else {
        return null;
      }
    }
    return v;
  }
}
