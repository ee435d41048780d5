package dev.ordinal.apiserver.crd;

import dev.ordinal.api.managedfields.FieldSchema;
import dev.ordinal.api.schema.CustomSchemas;
import java.util.ArrayList;
import java.util.List;

/**
 * Server-side apply's view of a custom resource: how its lists merge, from the
 * {@code x-kubernetes-list-type} and {@code x-kubernetes-list-map-keys} of the CRD's structural
 * schema as served at the moment asked (a store outlives CRD updates, so nothing is cached here).
 * Paths enter list items without an index, as {@link CustomSchemas#listType} expects. Where the
 * schema says nothing, lists are atomic, as upstream's default.
 */
final class CustomFieldSchema implements FieldSchema {
  private final CustomSchemas schemas;
  private final String apiVersion;
  private final String kind;
  private final List<String> path;

  CustomFieldSchema(CustomSchemas schemas, String apiVersion, String kind, List<String> path) {
    this.schemas = schemas;
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.path = List.copyOf(path);
  }

  @Override
  public FieldSchema field(String name) {
    List<String> p = new ArrayList<>(path);
    p.add(name);
    return new CustomFieldSchema(schemas, apiVersion, kind, p);
  }

  @Override
  public FieldSchema items() {
    return this;
  }

  private CustomSchemas.ListType type() {
    return schemas.listType(apiVersion, kind, path).orElse(null);
  }

  @Override
  public ListType listType() {
    CustomSchemas.ListType t = type();
    return t == null ? ListType.ATOMIC : t.isMap() ? ListType.MAP : t.isSet() ? ListType.SET : ListType.ATOMIC;
  }

  @Override
  public List<String> mapKeys() {
    CustomSchemas.ListType t = type();
    return t == null || !t.isMap() ? List.of() : t.mapKeys();
  }

  @Override
  public boolean atomicObject() {
    return false;
  }

  @Override
  public boolean granularMap() {
    return path.equals(List.of("metadata", "labels")) || path.equals(List.of("metadata", "annotations"));
  }
}
