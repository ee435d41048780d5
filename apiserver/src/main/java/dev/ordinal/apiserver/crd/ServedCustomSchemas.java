package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.schema.CustomSchemas;
import dev.ordinal.apiserver.crd.schema.ListTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** {@link CustomSchemas} of the versions being served, kept by {@link CrdController} as CRDs change. */
public final class ServedCustomSchemas implements CustomSchemas {
  private final Map<String, JsonNode> byKind = new ConcurrentHashMap<>();
  private final Map<String, List<String>> keysOfCrd = new ConcurrentHashMap<>();

  /** Replaces what one CRD (by name) serves: apiVersion + "/" + kind to schema. */
  void put(String crdName, Map<String, JsonNode> schemas) {
    List<String> before = keysOfCrd.getOrDefault(crdName, List.of());
    byKind.putAll(schemas);
    for (String k : before) {
      if (!schemas.containsKey(k)) {
        byKind.remove(k);
      }
    }
    keysOfCrd.put(crdName, List.copyOf(schemas.keySet()));
  }

  void remove(String crdName) {
    put(crdName, Map.of());
    keysOfCrd.remove(crdName);
  }

  @Override
  public Optional<JsonNode> schema(String apiVersion, String kind) {
    return Optional.ofNullable(byKind.get(apiVersion + "/" + kind));
  }

  @Override
  public Optional<ListType> listType(String apiVersion, String kind, List<String> path) {
    return schema(apiVersion, kind).flatMap(s -> ListTypes.at(s, path));
  }
}
