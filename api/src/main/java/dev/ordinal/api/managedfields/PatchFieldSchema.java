package dev.ordinal.api.managedfields;

import dev.ordinal.api.patch.ListStrategy;
import dev.ordinal.api.patch.PatchSchema;
import java.util.List;
import java.util.Set;

/**
 * A {@link FieldSchema} read from a strategic-merge-patch schema, as upstream's OpenAPI converter
 * reads the patch tags when no list type is given: {@code patchStrategy:"merge"} with a merge key is
 * a map list keyed by it, without a key a set, any other list atomic. Upstream's built-in types
 * add markers of their own, which are named here by field: LabelSelectors and selector maps
 * ({@code selector}, {@code labelSelector}, {@code namespaceSelector}, {@code nodeSelector}) are
 * atomic, and the maps whose keys are data are granular maps.
 *
 * <p>Differences left: upstream keys container ports by containerPort and protocol, Service ports by
 * port and protocol, topology spread constraints by topologyKey and whenUnsatisfiable; here each is
 * keyed by its patch-merge key alone, as strategic merge patch does.
 */
public final class PatchFieldSchema implements FieldSchema {
  private static final Set<String> ATOMIC_OBJECTS =
      Set.of("selector", "labelSelector", "namespaceSelector", "nodeSelector", "requiredDuringSchedulingIgnoredDuringExecution");
  private static final Set<String> GRANULAR_MAPS =
      Set.of("labels", "annotations", "data", "binaryData", "stringData", "limits", "requests", "capacity",
          "allocatable", "parameters", "hard", "used");

  private final PatchSchema schema;
  private final String name;
  private final ListStrategy list;

  private PatchFieldSchema(PatchSchema schema, String name, ListStrategy list) {
    this.schema = schema;
    this.name = name;
    this.list = list;
  }

  /** The schema of a whole object of a kind described by {@code schema}. */
  public static FieldSchema of(PatchSchema schema) {
    return new PatchFieldSchema(schema, "", ListStrategy.ATOMIC);
  }

  @Override
  public FieldSchema field(String fieldName) {
    return new PatchFieldSchema(schema.child(fieldName), fieldName, schema.listStrategy(fieldName));
  }

  @Override
  public FieldSchema items() {
    return new PatchFieldSchema(schema, "", ListStrategy.ATOMIC);
  }

  @Override
  public ListType listType() {
    return switch (list.type()) {
      case ATOMIC -> ListType.ATOMIC;
      case MERGE_PRIMITIVES -> ListType.SET;
      case MERGE_BY_KEY -> ListType.MAP;
    };
  }

  @Override
  public List<String> mapKeys() {
    return list.mergeKey() == null ? List.of() : List.of(list.mergeKey());
  }

  @Override
  public boolean atomicObject() {
    return ATOMIC_OBJECTS.contains(name);
  }

  @Override
  public boolean granularMap() {
    return GRANULAR_MAPS.contains(name);
  }
}
