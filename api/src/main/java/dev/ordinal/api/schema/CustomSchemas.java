package dev.ordinal.api.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * The schemas of the custom resources being served, for whatever needs their shape beyond the
 * API server's own validation: server-side apply merges lists by the list types and map keys
 * declared here. Answers change as CustomResourceDefinitions are created, updated and deleted;
 * each call sees the schemas of one moment. Thread-safe.
 */
public interface CustomSchemas {

  /**
   * The structural schema ({@code openAPIV3Schema} as written in the CRD) of a served version of a
   * custom resource, or empty when {@code apiVersion}/{@code kind} is not a custom resource.
   * Not to be changed by the caller.
   */
  Optional<JsonNode> schema(String apiVersion, String kind);

  /**
   * How the list at {@code path} (field names from the object's root, e.g. ["spec", "ports"]; an
   * array item is entered without an index) merges, or empty when there is no list there.
   */
  Optional<ListType> listType(String apiVersion, String kind, List<String> path);

  /**
   * {@code x-kubernetes-list-type} of one list.
   *
   * @param type "atomic" (replaced whole; the default), "set" (scalars, unique) or "map"
   * @param mapKeys {@code x-kubernetes-list-map-keys} of a "map" list, empty otherwise
   */
  record ListType(String type, List<String> mapKeys) {
    public boolean isMap() {
      return type.equals("map");
    }

    public boolean isSet() {
      return type.equals("set");
    }
  }

  /** No custom resources: what a server without CRDs (or a test) answers. */
  CustomSchemas NONE = new CustomSchemas() {
    @Override
    public Optional<JsonNode> schema(String apiVersion, String kind) {
      return Optional.empty();
    }

    @Override
    public Optional<ListType> listType(String apiVersion, String kind, List<String> path) {
      return Optional.empty();
    }
  };
}
