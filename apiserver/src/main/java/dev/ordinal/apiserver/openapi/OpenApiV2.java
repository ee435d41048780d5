package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.patch.KubernetesPatchSchemas;
import dev.ordinal.api.patch.PatchSchema;
import dev.ordinal.api.schema.CustomSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.GZIPOutputStream;

/**
 * The Swagger 2.0 document of the whole API ({@code GET /openapi/v2}), from the same schemas as the
 * v3 documents ({@link SchemaGenerator} in its v2 dialect). client-go reads it in protobuf
 * ({@link OpenApiV2Proto}) wherever kubectl's factory builds a validator: {@code kubectl apply}
 * and {@code create} with validation on, and Helm 3 for every chart; kubectl 1.27 also computes
 * its apply patches from its {@code x-kubernetes-patch-*} extensions, found through each
 * definition's {@code x-kubernetes-group-version-kind}.
 *
 * <p>Built on first use (most clients never ask) and kept until the custom resources change: the
 * built-in part once, the CRDs' definitions ({@link CustomResourceSwagger}) added to a copy of it.
 * Both encodings carry one ETag, the SHA-512 of the JSON, as upstream's handler does.
 */
public final class OpenApiV2 {
  /** The body of one encoding: as is, gzipped, and the entity tag they share. */
  public record Encoded(byte[] bytes, byte[] gzipped, String etag) {}

  /** Both encodings, and the custom resources (type and schema) they were made with. */
  private record Built(Encoded json, Encoded proto, List<Custom> customs) {}

  /** A served custom resource and its CRD's schema, compared by identity: a changed CRD brings new schemas. */
  private record Custom(ResourceType type, JsonNode schema) {
    boolean same(Custom other) {
      return type.equals(other.type) && schema == other.schema;
    }
  }

  private final List<ResourceType> builtIn;
  private final ResourceCatalog live;
  private final CustomSchemas customSchemas;
  private final ReentrantLock lock = new ReentrantLock(); // a lock, not a monitor: virtual threads wait on it
  private volatile Built built;
  private ObjectNode builtInDocument; // under the lock

  /** The built-in types of {@code catalog} only. */
  public OpenApiV2(ResourceCatalog catalog) {
    this(catalog, catalog, CustomSchemas.NONE);
  }

  /**
   * @param builtIn the types served from the start, whose part of the document is made once
   * @param live the catalogue as it changes, whose custom resources join the document
   * @param customSchemas their CRDs' schemas
   */
  public OpenApiV2(ResourceCatalog builtIn, ResourceCatalog live, CustomSchemas customSchemas) {
    this.builtIn = List.copyOf(builtIn.all());
    this.live = live;
    this.customSchemas = customSchemas;
  }

  public Encoded json() {
    return built().json();
  }

  public Encoded protobuf() {
    return built().proto();
  }

  /**
   * The document for the custom resources served now: made again only when they or their schemas
   * changed since the last one (a CRD created, updated or deleted), so clients' ETags hold between.
   */
  private Built built() {
    List<Custom> customs = customs();
    Built b = built;
    if (b != null && same(b.customs(), customs)) {
      return b;
    }
    lock.lock();
    try {
      customs = customs();
      if (built == null || !same(built.customs(), customs)) {
        if (builtInDocument == null) {
          builtInDocument = document(builtIn);
        }
        ObjectNode doc = builtInDocument.deepCopy();
        for (Custom c : customs) {
          addCustom(doc, c.type(), c.schema());
        }
        byte[] json = Json.bytes(doc);
        String etag = sha512(json);
        byte[] proto = OpenApiV2Proto.document(doc);
        built = new Built(new Encoded(json, gzip(json), etag), new Encoded(proto, gzip(proto), etag), customs);
      }
      return built;
    } finally {
      lock.unlock();
    }
  }

  private List<Custom> customs() {
    List<Custom> customs = new ArrayList<>();
    for (ResourceType t : live.all()) {
      if (!builtIn.contains(t)) {
        customSchemas.schema(t.apiVersion(), t.kind()).ifPresent(s -> customs.add(new Custom(t, s)));
      }
    }
    return customs;
  }

  private static boolean same(List<Custom> a, List<Custom> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).same(b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** A custom resource's definition and paths, as the built-in types' below. */
  static void addCustom(ObjectNode doc, ResourceType t, JsonNode schema) {
    String name = CustomResourceSwagger.name(t);
    doc.with("definitions").set(name, CustomResourceSwagger.definition(t, schema));
    addPaths(doc.with("paths"), t, "#/definitions/" + name);
  }

  /** The document as JSON, for tests and for the encoder. */
  static ObjectNode document(List<ResourceType> types) {
    SchemaGenerator schemas = new SchemaGenerator(SchemaGenerator.Dialect.V2);
    ObjectNode doc = Json.object();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    for (ResourceType t : types) {
      PatchSchema patch = KubernetesPatchSchemas.forType(t).orElse(PatchSchema.OPAQUE);
      String name = schemas.add(t.modelClass(), patch);
      ObjectNode definition = schemas.schemas().get(name);
      ArrayNode gvks = definition.withArray("x-kubernetes-group-version-kind");
      if (!hasGvk(gvks, t)) {
        gvks.add(gvk(t)); // autoscaling/v1 Scale is one definition for several kinds' scale subresources
      }
      addPaths(paths, t, schemas.ref(name));
    }
    ObjectNode definitions = doc.putObject("definitions");
    schemas.schemas().forEach(definitions::set);
    return doc;
  }

  private static void addPaths(ObjectNode paths, ResourceType t, String ref) {
    String base = "/" + (t.group().isEmpty() ? "api/" : "apis/" + t.group() + "/") + t.version() + "/"
        + (t.namespaced() ? "namespaces/{namespace}/" : "");
    ObjectNode collection = paths.putObject(base + t.plural());
    collection.set("get", operation(t, "list", ref, false));
    collection.set("post", operation(t, "create", ref, true));
    collection.set("delete", operation(t, "deletecollection", null, false));
    pathParameters(collection, t, false);
    ObjectNode object = paths.putObject(base + t.plural() + "/{name}");
    object.set("get", operation(t, "get", ref, false));
    object.set("put", operation(t, "put", ref, true));
    object.set("patch", operation(t, "patch", ref, true));
    object.set("delete", operation(t, "delete", null, false));
    pathParameters(object, t, true);
  }

  private static ObjectNode operation(ResourceType t, String action, String ref, boolean writes) {
    ObjectNode op = Json.object();
    String verb = switch (action) {
      case "get" -> "read";
      case "put" -> "replace";
      default -> action;
    };
    op.put("description", verb + (verb.equals("list") ? " objects of kind " : " the specified ") + t.kind());
    op.putArray("consumes").add(action.equals("patch") ? "application/strategic-merge-patch+json" : "*/*");
    op.putArray("produces").add("application/json").add("application/yaml").add("application/vnd.kubernetes.protobuf");
    op.putArray("schemes").add("https");
    op.putArray("tags").add((t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "").replace('.', '_')) + "_" + t.version());
    op.put("operationId", verb + (t.namespaced() && !verb.equals("list") ? "Namespaced" : "") + t.kind());
    ArrayNode params = op.putArray("parameters");
    if (writes) {
      ObjectNode body = params.addObject().put("in", "body").put("name", "body").put("required", true);
      if (action.equals("patch")) {
        body.putObject("schema").put("type", "object"); // meta/v1 Patch: any of the patch formats
      } else {
        body.putObject("schema").put("$ref", ref);
      }
      query(params, "dryRun", "string");
      query(params, "fieldManager", "string");
      // kubectl and Helm look for this parameter on the PATCH operation of a kind before leaving
      // validation to the server
      query(params, "fieldValidation", "string");
      if (action.equals("patch")) {
        query(params, "force", "boolean");
      }
    }
    ObjectNode ok = op.putObject("responses").putObject("200").put("description", "OK");
    if (ref != null) {
      ok.putObject("schema").put("$ref", ref);
    }
    op.put("x-kubernetes-action", action);
    op.set("x-kubernetes-group-version-kind", gvk(t));
    return op;
  }

  private static void query(ArrayNode params, String name, String type) {
    params.addObject().put("in", "query").put("name", name).put("type", type).put("uniqueItems", true);
  }

  private static void pathParameters(ObjectNode path, ResourceType t, boolean named) {
    ArrayNode params = path.putArray("parameters");
    if (named) {
      params.addObject().put("in", "path").put("name", "name").put("required", true).put("type", "string").put("uniqueItems", true);
    }
    if (t.namespaced()) {
      params.addObject().put("in", "path").put("name", "namespace").put("required", true).put("type", "string").put("uniqueItems", true);
    }
  }

  private static ObjectNode gvk(ResourceType t) {
    ObjectNode g = Json.object();
    g.put("group", t.group()).put("kind", t.kind()).put("version", t.version());
    return g;
  }

  private static boolean hasGvk(ArrayNode gvks, ResourceType t) {
    for (var g : gvks) {
      if (g.equals(gvk(t))) {
        return true;
      }
    }
    return false;
  }

  static String sha512(byte[] doc) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(doc)).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
