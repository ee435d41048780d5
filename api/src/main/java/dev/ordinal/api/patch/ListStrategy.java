package dev.ordinal.api.patch;

import java.util.Objects;

/**
 * How a strategic merge patch combines a list field, from its Go struct tags: {@code
 * patchStrategy:"merge" patchMergeKey:"name"} merges elements by key, {@code patchStrategy:"merge"}
 * alone merges a list of primitives as a set, and no tag replaces the list whole.
 *
 * @param mergeKey the field identifying an element, for {@link Type#MERGE_BY_KEY} only
 */
public record ListStrategy(Type type, String mergeKey) {

  public enum Type {
    /** The patch list replaces the original list (no patchStrategy tag). */
    ATOMIC,
    /** Lists of objects merged element by element, matched on {@link #mergeKey()}. */
    MERGE_BY_KEY,
    /** Lists of primitives merged as a set: union, order kept, duplicates dropped. */
    MERGE_PRIMITIVES
  }

  public static final ListStrategy ATOMIC = new ListStrategy(Type.ATOMIC, null);
  public static final ListStrategy MERGE_PRIMITIVES = new ListStrategy(Type.MERGE_PRIMITIVES, null);

  public ListStrategy {
    Objects.requireNonNull(type, "type");
    if ((type == Type.MERGE_BY_KEY) != (mergeKey != null)) {
      throw new IllegalArgumentException("a merge key goes with MERGE_BY_KEY and only with it");
    }
  }

  public static ListStrategy mergeBy(String mergeKey) {
    return new ListStrategy(Type.MERGE_BY_KEY, Objects.requireNonNull(mergeKey, "mergeKey"));
  }

  /** True unless the list is replaced whole. */
  public boolean merges() {
    return type != Type.ATOMIC;
  }
}
