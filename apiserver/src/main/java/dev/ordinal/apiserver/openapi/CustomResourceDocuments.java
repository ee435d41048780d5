package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.schema.CustomSchemas;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI v3 documents of custom resources, one per group/version, from their CRDs' schemas
 * (for {@code kubectl explain} and client-side validation), made when asked so they follow the
 * CRDs. The schema is the CRD's own with apiVersion, kind and metadata described as upstream's
 * builder adds them.
 */
public final class CustomResourceDocuments implements OpenApiV3.Source {
  private final ResourceCatalog catalog;
  private final CustomSchemas schemas;

  public CustomResourceDocuments(ResourceCatalog catalog, CustomSchemas schemas) {
    this.catalog = catalog;
    this.schemas = schemas;
  }

  @Override
  public Map<String, byte[]> documents() {
    Map<String, ObjectNode> docs = new LinkedHashMap<>();
    for (ResourceType t : catalog.all()) {
      Optional<JsonNode> schema = schemas.schema(t.apiVersion(), t.kind());
      if (schema.isEmpty()) {
        continue;
      }
      ObjectNode doc = docs.computeIfAbsent("apis/" + t.apiVersion(), p -> newDocument());
      String name = reversed(t.group()) + "." + t.version() + "." + t.kind();
      ObjectNode s = schema.get().deepCopy();
      ObjectNode props = s.with("properties");
      props.putObject("apiVersion").put("type", "string").put("description", "APIVersion defines the versioned schema of this "
          + "representation of an object. Servers should convert recognized schemas to the latest internal value, and may "
          + "reject unrecognized values.");
      props.putObject("kind").put("type", "string").put("description", "Kind is a string value representing the REST "
          + "resource this object represents. Servers may infer this from the endpoint the client submits requests to.");
      ObjectNode meta = props.with("metadata");
      meta.put("type", "object").put("description", "Standard object's metadata.");
      OpenApiV3.gvk(s.putArray("x-kubernetes-group-version-kind"), t);
      doc.with("components").with("schemas").set(name, s);
      String ref = "#/components/schemas/" + name;
      String base = "/apis/" + t.group() + "/" + t.version() + "/" + (t.namespaced() ? "namespaces/{namespace}/" : "");
      doc.with("paths").set(base + t.plural(), OpenApiV3.collectionPath(t, ref));
      doc.with("paths").set(base + t.plural() + "/{name}", OpenApiV3.objectPath(t, ref));
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    docs.forEach((p, d) -> out.put(p, Json.bytes(d)));
    return out;
  }

  private static ObjectNode newDocument() {
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Ordinal").put("version", "v1.32.0");
    doc.putObject("paths");
    doc.putObject("components").putObject("schemas");
    return doc;
  }

  /** "example.com" as "com.example", the prefix upstream's definitions carry. */
  static String reversed(String group) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts);
  }
}
