package dev.ordinal.api.patch;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a strategic merge patch needs to know about one API struct type: for each field that
 * matters, how its list merges, whether it carries the {@code retainKeys} strategy, and the schema
 * of the nested struct (of the field, or of the list's elements). Schemas nest the way the Go types
 * do, so the same field name can mean different things under different parents: {@code ports} of a
 * Container merge by {@code containerPort}, {@code ports} of a ServiceSpec by {@code port}.
 *
 * <p>A field the schema does not list is treated as Kubernetes treats a field without patch tags:
 * a map merges recursively, a list is replaced whole. Immutable and thread-safe.
 */
public final class PatchSchema {

  /** A struct with no tagged fields below it: every list atomic. */
  public static final PatchSchema OPAQUE = new PatchSchema("opaque", Map.of());

  /**
   * One field of a struct.
   *
   * @param list how the field merges when it is a list
   * @param retainKeys the field's patchStrategy includes {@code retainKeys} (clients send {@code
   *     $retainKeys} for it; the server honours the directive wherever it appears)
   * @param type the schema of the nested struct or list element
   */
  public record Field(ListStrategy list, boolean retainKeys, PatchSchema type) {
    public Field {
      Objects.requireNonNull(list, "list");
      Objects.requireNonNull(type, "type");
    }
  }

  private static final Field UNTAGGED = new Field(ListStrategy.ATOMIC, false, OPAQUE);

  private final String name;
  private final Map<String, Field> fields;

  private PatchSchema(String name, Map<String, Field> fields) {
    this.name = name;
    this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public static Builder struct(String name) {
    return new Builder(name);
  }

  /** The Go type this describes, e.g. "PodSpec"; for messages and debugging. */
  public String name() {
    return name;
  }

  /** The fields that are tagged or lead to tagged fields, in declaration order. */
  public Map<String, Field> fields() {
    return fields;
  }

  /** The field's description; an untagged atomic field of an {@link #OPAQUE} type if unknown. */
  public Field field(String fieldName) {
    return fields.getOrDefault(fieldName, UNTAGGED);
  }

  public ListStrategy listStrategy(String fieldName) {
    return field(fieldName).list();
  }

  /** Schema of the nested struct, or of the list elements, under {@code fieldName}. */
  public PatchSchema child(String fieldName) {
    return field(fieldName).type();
  }

  /**
   * The schema reached by a dotted path of field names, e.g. {@code spec.template.spec.containers}
   * gives the Container schema. List elements are stepped through implicitly.
   */
  public PatchSchema at(String dottedPath) {
    PatchSchema s = this;
    for (String part : dottedPath.split("\\.")) {
      s = s.child(part);
    }
    return s;
  }

  @Override
  public String toString() {
    return "PatchSchema[" + name + "]";
  }

  /** Declares fields in the order of the Go struct, for readability against types.go. */
  public static final class Builder {
    private final String name;
    private final Map<String, Field> fields = new LinkedHashMap<>();

    private Builder(String name) {
      this.name = name;
    }

    /** A nested struct (or map) field without a strategy of its own. */
    public Builder struct(String field, PatchSchema type) {
      return put(field, new Field(ListStrategy.ATOMIC, false, type));
    }

    /** A nested struct with {@code patchStrategy:"retainKeys"}. */
    public Builder retainKeysStruct(String field, PatchSchema type) {
      return put(field, new Field(ListStrategy.ATOMIC, true, type));
    }

    /** {@code patchStrategy:"merge" patchMergeKey:"<key>"} on a list of structs. */
    public Builder mergeList(String field, String mergeKey, PatchSchema elementType) {
      return put(field, new Field(ListStrategy.mergeBy(mergeKey), false, elementType));
    }

    /** {@code patchStrategy:"merge" patchMergeKey:"<key>"} on a list of untagged structs. */
    public Builder mergeList(String field, String mergeKey) {
      return mergeList(field, mergeKey, OPAQUE);
    }

    /** {@code patchStrategy:"merge,retainKeys" patchMergeKey:"<key>"}. */
    public Builder mergeListRetainingKeys(String field, String mergeKey, PatchSchema elementType) {
      return put(field, new Field(ListStrategy.mergeBy(mergeKey), true, elementType));
    }

    /** {@code patchStrategy:"merge"} on a list of primitives (e.g. finalizers). */
    public Builder primitiveSet(String field) {
      return put(field, new Field(ListStrategy.MERGE_PRIMITIVES, false, OPAQUE));
    }

    /** A list without patch tags whose elements hold tagged fields. */
    public Builder atomicList(String field, PatchSchema elementType) {
      return put(field, new Field(ListStrategy.ATOMIC, false, elementType));
    }

    private Builder put(String field, Field f) {
      if (fields.put(field, f) != null) {
        throw new IllegalArgumentException(name + "." + field + " declared twice");
      }
      return this;
    }

    public PatchSchema build() {
      return new PatchSchema(name, fields);
    }
  }
}
