package dev.ordinal.api.managedfields;

import java.util.List;

/**
 * What server-side apply needs to know about the value at one path of an object: how a list
 * there merges (atomic, a set of scalars, or a map keyed by some of its items' fields) and whether
 * an object there is atomic (replaced whole, owned as one field). These are upstream's
 * {@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys} and {@code
 * x-kubernetes-map-type}; the built-in kinds answer from their patch-merge keys ({@link
 * PatchFieldSchema}), a CustomResourceDefinition can answer from its structural schema.
 */
public interface FieldSchema {

  enum ListType {
    ATOMIC,
    SET,
    MAP
  }

  /** The schema of field {@code name} of an object at this path. */
  FieldSchema field(String name);

  /** The schema of this list's items. */
  FieldSchema items();

  /** How a list at this path merges. */
  ListType listType();

  /** The keys of a {@link ListType#MAP} list, in the order upstream writes them in {@code k:}. */
  List<String> mapKeys();

  /** An object at this path is replaced whole (a LabelSelector, an atomic map). */
  boolean atomicObject();

  /**
   * An object at this path is a map whose keys are data (labels, annotations, ConfigMap data)
   * rather than a struct: an Update that adds it owns the map itself ({@code "."}) as upstream's
   * records show.
   */
  boolean granularMap();

  /** Everything atomic below: lists replaced whole, objects merged by field. */
  FieldSchema DEFAULT = new FieldSchema() {
    @Override
    public FieldSchema field(String name) {
      return this;
    }

    @Override
    public FieldSchema items() {
      return this;
    }

    @Override
    public ListType listType() {
      return ListType.ATOMIC;
    }

    @Override
    public List<String> mapKeys() {
      return List.of();
    }

    @Override
    public boolean atomicObject() {
      return false;
    }

    @Override
    public boolean granularMap() {
      return false;
    }
  };
}
