package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.nodes.NodeServices;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.ObjectList;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;

/** The verbs on objects and collections: get, list, watch, create, update, patch, delete. */
public final class ResourceEndpoints {
  private final Registry registry;
  private final Tables tables;
  private final WatchStreamer watches;
  private final Subresources subresources;

  public ResourceEndpoints(Registry registry, NodeServices nodes) {
    this.registry = registry;
    this.tables = new Tables(t -> registry.store(t) == null ? null : registry.store(t).strategy().printer().orElse(null));
    this.watches = new WatchStreamer(tables);
    this.subresources = new Subresources(registry, nodes);
  }

  void serve(Exchange ex, RequestInfo info) {
    ResourceStore store = registry.store(info.group(), info.version(), info.plural())
        .orElseThrow(() -> ApiException.notFound("the server could not find the requested resource"));
    ResourceType type = store.type();
    if (!type.namespaced() && info.namespace() != null) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    String ns = type.namespaced() ? info.namespace() : null;
    if (info.subresource() != null) {
      subresources.serve(ex, store, ns, info.name(), info.subresource());
      return;
    }
    String method = ex.method();
    boolean watch = info.watchPath() || ex.flag("watch");
    if (watch && "websocket".equalsIgnoreCase(ex.header("Upgrade"))) {
      // Watches are served over HTTP only. Clients that try a WebSocket first (fabric8) fall back
      // to an HTTP watch when the handshake is answered 200 instead of 101, at once and without
      // the retries an error code would cost; so answer 200 with a complete Status.
      ex.json(200, new ApiException(400, "BadRequest", "watches over WebSocket are not supported; watch over HTTP instead", null).toStatus());
      return;
    }
    if (info.name() == null) {
      if (type.namespaced() && ns == null && !method.equals("GET")) {
        // across namespaces there is only list and watch, as in Kubernetes
        throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
      }
      switch (method) {
        case "GET" -> {
          if (watch) {
            watches.stream(ex, store, ns, listOptions(ex));
          } else {
            list(ex, store, ns);
          }
        }
        case "POST" -> create(ex, store, ns);
        case "DELETE" -> deleteCollection(ex, store, ns);
        default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
      }
      return;
    }
    if (type.namespaced() && ns == null) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    switch (method) {
      case "GET" -> {
        if (watch) {
          ListOptions o = listOptions(ex);
          String byName = "metadata.name=" + info.name();
          String fs = o.fieldSelector().isEmpty() ? byName : o.fieldSelector() + "," + byName;
          watches.stream(ex, store, ns, new ListOptions(o.labelSelector(), fs, o.resourceVersion(), 0, "",
              o.allowWatchBookmarks(), o.timeoutSeconds()));
        } else {
          respondObject(ex, 200, store.get(ns, info.name()), store);
        }
      }
      case "PUT" -> respondObject(ex, 200,
          store.update(ns, info.name(), ex.bodyObject(), Subresource.MAIN, writeOptions(ex)), store);
      case "PATCH" -> {
        Patching.Result patched = Patching.patch(ex, store, ns, info.name(), Subresource.MAIN);
        respondObject(ex, patched.status(), patched.object(), store);
      }
      case "DELETE" -> {
        ResourceStore.DeleteOutcome out = store.delete(ns, info.name(), deleteOptions(ex));
        respondObject(ex, 200, out.object(), store);
      }
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
  }

  private void list(Exchange ex, ResourceStore store, String ns) {
    ListOptions opts = listOptions(ex);
    ObjectList list = store.list(ns, opts);
    if (Negotiation.wantsTable(ex.header("Accept"))) {
      ex.jsonStreamed(200, tables.list(store.type(), list, ex.param("includeObject")));
      return;
    }
    ex.jsonStreamed(200, listObject(store.type(), list));
  }

  static ObjectNode listObject(ResourceType type, ObjectList list) {
    ObjectNode o = Json.object();
    o.put("kind", type.listKind()).put("apiVersion", type.apiVersion());
    ObjectNode meta = o.putObject("metadata");
    meta.put("resourceVersion", list.resourceVersion());
    if (!list.continueToken().isEmpty()) {
      meta.put("continue", list.continueToken());
      if (list.remaining() != null) {
        meta.put("remainingItemCount", list.remaining());
      }
    }
    ArrayNode items = o.putArray("items");
    list.items().forEach(items::add);
    return o;
  }

  private void create(Exchange ex, ResourceStore store, String ns) {
    if (store.type().namespaced() && ns == null) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    ObjectNode created = store.create(ns, ex.bodyObject(), writeOptions(ex));
    respondObject(ex, 201, created, store);
  }

  private void deleteCollection(Exchange ex, ResourceStore store, String ns) {
    DeleteOptions opts = deleteOptions(ex);
    ObjectList list = store.list(ns, listOptions(ex));
    ArrayNode deleted = Json.MAPPER.createArrayNode();
    for (ObjectNode o : list.items()) {
      try {
        deleted.add(store.delete(store.type().namespaced() ? o.path("metadata").path("namespace").asText() : null,
            o.path("metadata").path("name").asText(), opts).object());
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    ObjectNode out = Json.object();
    out.put("kind", store.type().listKind()).put("apiVersion", store.type().apiVersion());
    out.putObject("metadata").put("resourceVersion", Long.toString(store.currentRevision()));
    out.set("items", deleted);
    ex.json(200, out);
  }

  void respondObject(Exchange ex, int status, ObjectNode obj, ResourceStore store) {
    if (Negotiation.wantsTable(ex.header("Accept"))) {
      ex.json(status, tables.single(store.type(), obj, ex.param("includeObject")));
    } else {
      ex.json(status, obj);
    }
  }

  static ListOptions listOptions(Exchange ex) {
    return new ListOptions(ex.param("labelSelector"), ex.param("fieldSelector"), ex.param("resourceVersion"),
        ex.longParam("limit"), ex.param("continue"), ex.flag("allowWatchBookmarks"), ex.longParam("timeoutSeconds"));
  }

  static WriteOptions writeOptions(Exchange ex) {
    String dryRun = ex.param("dryRun");
    if (!dryRun.isEmpty() && !dryRun.equals("All")) {
      throw ApiException.badRequest("Invalid dry run value: \"" + dryRun + "\": supported values are \"All\"");
    }
    WriteOptions.FieldValidation fv = switch (ex.param("fieldValidation")) {
      case "Strict" -> WriteOptions.FieldValidation.STRICT;
      case "Warn" -> WriteOptions.FieldValidation.WARN;
      case "", "Ignore" -> WriteOptions.FieldValidation.IGNORE;
      default -> throw ApiException.badRequest("fieldValidation must be one of Ignore, Warn, Strict");
    };
    String force = ex.param("force");
    if (!force.isEmpty() && !force.equals("true") && !force.equals("false")) {
      throw ApiException.badRequest("invalid value for force: \"" + force + "\"");
    }
    String manager = ex.param("fieldManager");
    if (manager.length() > 128) {
      throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: "
          + "may not be more than 128 bytes", null);
    }
    return new WriteOptions(!dryRun.isEmpty(), manager.isEmpty() ? managerFromUserAgent(ex.header("User-Agent")) : manager,
        fv, force.equals("true"));
  }

  /**
   * Upstream's manager for writes that name none: the User-Agent up to its first "/", printable
   * characters only, at most 128 ("kubectl-client-side-apply", "helm").
   */
  static String managerFromUserAgent(String userAgent) {
    if (userAgent == null) {
      return "";
    }
    int slash = userAgent.indexOf('/');
    String m = slash < 0 ? userAgent : userAgent.substring(0, slash);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < m.length() && b.length() < 128; i++) {
      char c = m.charAt(i);
      if (c >= 0x20 && c != 0x7f) {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Delete options from the query string and, as kubectl sends them, from a DeleteOptions body. */
  static DeleteOptions deleteOptions(Exchange ex) {
    Long grace = ex.param("gracePeriodSeconds").isEmpty() ? null : ex.longParam("gracePeriodSeconds");
    String policy = ex.param("propagationPolicy").isEmpty() ? null : ex.param("propagationPolicy");
    String uid = null;
    String rv = null;
    boolean dryRun = ex.param("dryRun").equals("All");
    // kubectl's typed clients (drain) send DeleteOptions as protobuf, others as JSON
    JsonNode b = ex.optionalBodyTree();
    if (b != null && b.isObject()) {
      if (b.hasNonNull("gracePeriodSeconds")) {
        grace = b.get("gracePeriodSeconds").asLong();
      }
      if (b.hasNonNull("propagationPolicy")) {
        policy = b.get("propagationPolicy").asText();
      }
      if (b.has("orphanDependents") && b.get("orphanDependents").isBoolean()) {
        policy = b.get("orphanDependents").asBoolean() ? "Orphan" : policy;
      }
      JsonNode pre = b.path("preconditions");
      uid = pre.hasNonNull("uid") ? pre.get("uid").asText() : null;
      rv = pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asText() : null;
      if (b.path("dryRun").isArray() && !b.path("dryRun").isEmpty()) {
        dryRun = true;
      }
    }
    if (policy != null && !java.util.Set.of("Orphan", "Background", "Foreground").contains(policy)) {
      throw ApiException.badRequest("propagationPolicy must be one of Orphan, Background, Foreground; got \"" + policy + "\"");
    }
    return new DeleteOptions(grace, policy, uid, rv, dryRun);
  }
}
