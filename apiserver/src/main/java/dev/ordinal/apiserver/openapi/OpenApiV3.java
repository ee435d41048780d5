package dev.ordinal.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.patch.KubernetesPatchSchemas;
import dev.ordinal.api.patch.PatchSchema;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenAPI v3 documents of the API, one per group/version, generated once from the fabric8
 * model classes of the catalogue. kubectl reads them to validate on the server
 * ({@code fieldValidation}), to compute client-side apply patches and for {@code explain}.
 */
public final class OpenApiV3 {
  // the built-in group versions as they were at construction: custom resources come from sources
  private final Map<String, List<ResourceType>> builtIn = new LinkedHashMap<>();
  private final java.util.concurrent.locks.ReentrantLock building = new java.util.concurrent.locks.ReentrantLock();
  private volatile Documents built;
  private final List<Source> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Documents that change while the server runs (custom resources'): path to document, at the moment asked. */
  public interface Source {
    Map<String, byte[]> documents();
  }

  /** Serves {@code source}'s documents beside the built-in ones (which win on the same path). */
  public void addSource(Source source) {
    sources.add(source);
  }

  /** The documents and their hashes, made together. */
  private record Documents(Map<String, byte[]> documents, Map<String, String> hashes) {}

  /**
   * Nothing is generated yet: the documents cost about a quarter of a fresh start's CPU, and
   * nothing needs them before the first client asks (see {@link #prepareInBackground}).
   */
  public OpenApiV3(ResourceCatalog catalog) {
    for (String gv : catalog.groupVersions()) {
      String group = gv.contains("/") ? gv.substring(0, gv.indexOf('/')) : "";
      String version = gv.contains("/") ? gv.substring(gv.indexOf('/') + 1) : gv;
      builtIn.put(group.isEmpty() ? "api/" + version : "apis/" + gv, List.copyOf(catalog.inGroupVersion(group, version)));
    }
  }

  /** Generates the documents on a thread of their own, so the first client that asks finds them ready. */
  public void prepareInBackground() {
    Thread.ofPlatform().daemon().name("openapi-v3").start(this::documents);
  }

  private Documents documents() {
    Documents d = built;
    if (d != null) {
      return d;
    }
    building.lock();
    try {
      if (built == null) {
        Map<String, byte[]> documents = new LinkedHashMap<>();
        Map<String, String> hashes = new LinkedHashMap<>();
        builtIn.forEach((path, types) -> {
          byte[] doc = Json.bytes(document(types));
          documents.put(path, doc);
          hashes.put(path, sha512(doc));
        });
        built = new Documents(documents, hashes);
      }
      return built;
    } finally {
      building.unlock();
    }
  }

  /** {@code GET /openapi/v3}: where each group/version document is, with its content hash. */
  public ObjectNode root() {
    ObjectNode root = Json.object();
    ObjectNode paths = root.putObject("paths");
    Map<String, String> hashes = documents().hashes();
    hashes.forEach((path, hash) -> paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash));
    for (Source s : sources) {
      s.documents().forEach((path, doc) -> {
        if (!hashes.containsKey(path)) {
          paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + sha512(doc));
        }
      });
    }
    return root;
  }

  /** The document at {@code api/v1} or {@code apis/<group>/<version>}, or null. */
  public byte[] documentBytes(String path) {
    byte[] doc = documents().documents().get(path);
    for (int i = 0; doc == null && i < sources.size(); i++) {
      doc = sources.get(i).documents().get(path);
    }
    return doc;
  }

  /** The document's content hash (SHA-512, as upstream's), or null when there is none at {@code path}. */
  public String hash(String path) {
    String hash = documents().hashes().get(path);
    if (hash == null) {
      byte[] doc = documentBytes(path); // a custom resources' document, which changes with its CRDs
      hash = doc == null ? null : sha512(doc);
    }
    return hash;
  }

  private static ObjectNode document(List<ResourceType> types) {
    SchemaGenerator schemas = new SchemaGenerator(SchemaGenerator.Dialect.V3);
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Ordinal").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    for (ResourceType t : types) {
      PatchSchema patch = KubernetesPatchSchemas.forType(t).orElse(PatchSchema.OPAQUE);
      String name = schemas.add(t.modelClass(), patch);
      gvk(schemas.schemas().get(name).putArray("x-kubernetes-group-version-kind"), t);
      String ref = schemas.ref(name);
      String base = "/" + (t.group().isEmpty() ? "api/" : "apis/" + t.group() + "/") + t.version() + "/"
          + (t.namespaced() ? "namespaces/{namespace}/" : "");
      paths.set(base + t.plural(), collectionPath(t, ref));
      paths.set(base + t.plural() + "/{name}", objectPath(t, ref));
    }
    ObjectNode components = doc.putObject("components").putObject("schemas");
    schemas.schemas().forEach(components::set);
    return doc;
  }

  static ObjectNode collectionPath(ResourceType t, String ref) {
    ObjectNode p = Json.object();
    p.set("get", operation(t, "list", "list", ref, false));
    p.set("post", operation(t, "create", "post", ref, true));
    p.set("delete", operation(t, "deletecollection", "deletecollection", null, false));
    pathParameters(p, t, false);
    return p;
  }

  static ObjectNode objectPath(ResourceType t, String ref) {
    ObjectNode p = Json.object();
    p.set("get", operation(t, "read", "get", ref, false));
    p.set("put", operation(t, "replace", "put", ref, true));
    p.set("patch", operation(t, "patch", "patch", ref, true));
    p.set("delete", operation(t, "delete", "delete", ref, false));
    pathParameters(p, t, true);
    return p;
  }

  private static ObjectNode operation(ResourceType t, String verb, String action, String ref, boolean writes) {
    ObjectNode op = Json.object();
    String kind = t.kind();
    op.put("operationId", verb + (t.namespaced() && !verb.equals("list") ? "Namespaced" : "") + kind);
    op.put("x-kubernetes-action", action);
    op.set("x-kubernetes-group-version-kind", gvk(Json.MAPPER.createArrayNode(), t).get(0));
    ArrayNode params = op.putArray("parameters");
    if (writes) {
      for (String q : List.of("dryRun", "fieldManager", "fieldValidation")) {
        params.addObject().put("name", q).put("in", "query").putObject("schema").put("type", "string");
      }
      if (action.equals("patch")) {
        params.addObject().put("name", "force").put("in", "query").putObject("schema").put("type", "boolean");
      }
      ObjectNode content = op.putObject("requestBody").putObject("content");
      List<String> types = action.equals("patch")
          ? List.of("application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json")
          : List.of("application/json");
      for (String ct : types) {
        if (action.equals("patch")) {
          content.putObject(ct).putObject("schema").put("type", "object");
        } else {
          content.putObject(ct).putObject("schema").put("$ref", ref);
        }
      }
    }
    ObjectNode ok = op.putObject("responses").putObject("200");
    ok.put("description", "OK");
    if (ref != null) {
      ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", ref);
    }
    op.putArray("tags").add((t.group().isEmpty() ? "core" : t.group().replace(".k8s.io", "")) + "_" + t.version());
    op.put("description", verb + " " + (verb.equals("list") ? "objects of kind " : "the specified ") + kind);
    return op;
  }

  private static void pathParameters(ObjectNode path, ResourceType t, boolean named) {
    ArrayNode params = path.putArray("parameters");
    if (named) {
      params.addObject().put("name", "name").put("in", "path").put("required", true).putObject("schema").put("type", "string");
    }
    if (t.namespaced()) {
      params.addObject().put("name", "namespace").put("in", "path").put("required", true).putObject("schema").put("type", "string");
    }
  }

  static ArrayNode gvk(ArrayNode array, ResourceType t) {
    array.addObject().put("group", t.group()).put("kind", t.kind()).put("version", t.version());
    return array;
  }

  static String sha512(byte[] doc) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(doc)).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
