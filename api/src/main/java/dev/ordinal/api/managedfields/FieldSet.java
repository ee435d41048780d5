package dev.ordinal.api.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths, kept as a tree: each node is one path element, already in upstream's
 * fieldsV1 spelling ({@code f:name} a field, {@code k:{"name":"c"}} the item of a list keyed by
 * its map keys, {@code v:"x"} a value of a set list). A node is a <em>member</em> when its own path
 * is in the set, which fieldsV1 writes as {@code "."} for nodes that also have children and as an
 * empty object for leaves.
 *
 * <p>Mutable, not thread-safe: built by one write and then encoded.
 */
public final class FieldSet {
  private boolean member;
  private TreeMap<String, FieldSet> children;

  public FieldSet() {}

  /** True when nothing is in the set. */
  public boolean isEmpty() {
    if (member) {
      return false;
    }
    if (children != null) {
      for (FieldSet c : children.values()) {
        if (!c.isEmpty()) {
          return false;
        }
      }
    }
    return true;
  }

  public boolean member() {
    return member;
  }

  void setMember(boolean member) {
    this.member = member;
  }

  /** The node for {@code element}, made if absent (not a member until marked). */
  public FieldSet descend(String element) {
    if (children == null) {
      children = new TreeMap<>();
    }
    return children.computeIfAbsent(element, k -> new FieldSet());
  }

  /** The node for {@code element}, or null. */
  public FieldSet child(String element) {
    return children == null ? null : children.get(element);
  }

  public Map<String, FieldSet> children() {
    return children == null ? Map.of() : children;
  }

  /** Adds a path given as elements. */
  public FieldSet insert(String... path) {
    FieldSet n = this;
    for (String e : path) {
      n = n.descend(e);
    }
    n.member = true;
    return this;
  }

  /** Whether the exact path is a member. */
  public boolean has(List<String> path) {
    FieldSet n = this;
    for (String e : path) {
      n = n.child(e);
      if (n == null) {
        return false;
      }
    }
    return n.member;
  }

  /** Adds every path of {@code other} to this set. */
  public void addAll(FieldSet other) {
    if (other.member) {
      member = true;
    }
    for (Map.Entry<String, FieldSet> e : other.children().entrySet()) {
      descend(e.getKey()).addAll(e.getValue());
    }
  }

  /** A deep copy. */
  public FieldSet copy() {
    FieldSet c = new FieldSet();
    c.addAll(this);
    return c;
  }

  /** This set without the paths of {@code other} (exact paths: children of a removed path stay). */
  public FieldSet minus(FieldSet other) {
    FieldSet out = new FieldSet();
    out.member = member && (other == null || !other.member);
    for (Map.Entry<String, FieldSet> e : children().entrySet()) {
      FieldSet o = other == null ? null : other.child(e.getKey());
      FieldSet c = e.getValue().minus(o);
      if (!c.isEmpty()) {
        out.descend(e.getKey()).addAll(c);
      }
    }
    return out;
  }

  /**
   * This set without the paths of {@code exact}, and without everything at or below the paths of
   * {@code subtrees} (a removed list item takes its fields with it).
   */
  public FieldSet minus(FieldSet exact, FieldSet subtrees) {
    if (subtrees != null && subtrees.member) {
      return new FieldSet();
    }
    FieldSet out = new FieldSet();
    out.member = member && (exact == null || !exact.member);
    for (Map.Entry<String, FieldSet> e : children().entrySet()) {
      FieldSet c = e.getValue().minus(
          exact == null ? null : exact.child(e.getKey()), subtrees == null ? null : subtrees.child(e.getKey()));
      if (!c.isEmpty()) {
        out.descend(e.getKey()).addAll(c);
      }
    }
    return out;
  }

  /** The member paths both sets hold, each as its list of elements, in order. */
  public List<List<String>> intersection(FieldSet other) {
    List<List<String>> out = new ArrayList<>();
    intersect(other, new ArrayList<>(), out);
    return out;
  }

  private void intersect(FieldSet other, List<String> path, List<List<String>> out) {
    if (member && other.member) {
      out.add(List.copyOf(path));
    }
    for (Map.Entry<String, FieldSet> e : children().entrySet()) {
      FieldSet o = other.child(e.getKey());
      if (o != null) {
        path.add(e.getKey());
        e.getValue().intersect(o, path, out);
        path.remove(path.size() - 1);
      }
    }
  }

  /** Every member path, in order. */
  public List<List<String>> paths() {
    List<List<String>> out = new ArrayList<>();
    collect(new ArrayList<>(), out);
    return out;
  }

  private void collect(List<String> path, List<List<String>> out) {
    if (member) {
      out.add(List.copyOf(path));
    }
    for (Map.Entry<String, FieldSet> e : children().entrySet()) {
      path.add(e.getKey());
      e.getValue().collect(path, out);
      path.remove(path.size() - 1);
    }
  }

  // ---- fieldsV1

  /** The fieldsV1 object: {@code "."} first, then the elements in order. */
  public ObjectNode toFieldsV1() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    write(o);
    return o;
  }

  private void write(ObjectNode o) {
    boolean hasChildren = false;
    for (FieldSet c : children().values()) {
      if (!c.isEmpty()) {
        hasChildren = true;
        break;
      }
    }
    if (member && hasChildren) {
      o.putObject(".");
    }
    for (Map.Entry<String, FieldSet> e : children().entrySet()) {
      if (!e.getValue().isEmpty()) {
        e.getValue().write(o.putObject(e.getKey()));
      }
    }
  }

  /**
   * Reads a fieldsV1 object.
   *
   * @throws IllegalArgumentException when it is not one (a value that is not an object, an element
   *     that is not {@code f:}, {@code k:}, {@code v:}, {@code i:} or {@code .})
   */
  public static FieldSet fromFieldsV1(JsonNode fieldsV1) {
    FieldSet s = new FieldSet();
    if (fieldsV1 == null || fieldsV1.isNull()) {
      return s;
    }
    read(fieldsV1, s, true);
    return s;
  }

  private static void read(JsonNode n, FieldSet into, boolean root) {
    if (!n.isObject()) {
      throw new IllegalArgumentException("expected an object in fieldsV1");
    }
    if (!root && n.isEmpty()) {
      into.member = true;
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (k.equals(".")) {
        into.member = true;
        continue;
      }
      if (k.length() < 2 || k.charAt(1) != ':' || "fkvi".indexOf(k.charAt(0)) < 0) {
        throw new IllegalArgumentException("unexpected path element " + k);
      }
      read(e.getValue(), into.descend(k), false);
    }
  }

  @Override
  public String toString() {
    return toFieldsV1().toString();
  }
}
