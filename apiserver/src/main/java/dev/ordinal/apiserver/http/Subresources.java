package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.patch.PatchException;
import dev.ordinal.api.patch.Patches;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.eviction.PodEviction;
import dev.ordinal.apiserver.nodes.NodeServices;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;
import java.util.Map;
import java.util.stream.Collectors;

/** The subresources served: status, scale, binding, a namespace's finalize, a pod's log and eviction. */
final class Subresources {
  private final Registry registry;
  private final NodeServices nodes;
  private volatile PodEviction evictions; // made on first use: a catalogue without policy/v1 has none

  Subresources(Registry registry, NodeServices nodes) {
    this.registry = registry;
    this.nodes = nodes;
  }

  void serve(Exchange ex, ResourceStore store, String ns, String name, String sub) {
    if (name == null || !store.type().subresources().contains(sub)) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    switch (sub) {
      case "status" -> status(ex, store, ns, name);
      case "scale" -> scale(ex, store, ns, name);
      case "binding" -> binding(ex, store, ns, name);
      case "finalize" -> finalize(ex, store, name);
      case "log" -> PodLogEndpoint.serve(ex, store.get(ns, name), nodes);
      case "eviction" -> eviction(ex, ns, name);
      case "ephemeralcontainers" -> ephemeralContainers(ex, store, ns, name, Subresource.EPHEMERAL_CONTAINERS);
      case "resize" -> ephemeralContainers(ex, store, ns, name, Subresource.RESIZE);
      case "token" -> token(ex, ns, name);
      default -> throw ApiException.notFound("the server could not find the requested resource");
    }
  }

  private void status(Exchange ex, ResourceStore store, String ns, String name) {
    ObjectNode out = switch (ex.method()) {
      case "GET" -> store.get(ns, name);
      case "PUT" -> store.update(ns, name, ex.bodyObject(), Subresource.STATUS, ResourceEndpoints.writeOptions(ex));
      case "PATCH" -> Patching.patch(ex, store, ns, name, Subresource.STATUS).object();
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    };
    ex.json(200, out);
  }

  /** autoscaling/v1 Scale, a view of spec.replicas and the status' replica count and selector. */
  private void scale(Exchange ex, ResourceStore store, String ns, String name) {
    if (store.strategy() instanceof dev.ordinal.apiserver.crd.CustomResourceStrategy crs && crs.scale().isPresent()) {
      CustomScale.serve(ex, store, ns, name, crs.scale().get());
      return;
    }
    WriteOptions opts = ex.method().equals("GET") ? WriteOptions.DEFAULT : ResourceEndpoints.writeOptions(ex);
    ObjectNode result = switch (ex.method()) {
      case "GET" -> store.get(ns, name);
      case "PUT" -> {
        ObjectNode scale = ex.bodyObject();
        long replicas = replicas(scale);
        String rv = Meta.resourceVersion(scale);
        yield store.guaranteedUpdate(ns, name, Subresource.MAIN, opts, rv, cur -> {
          cur.with("spec").put("replicas", replicas);
          return cur;
        });
      }
      case "PATCH" -> {
        JsonNode patch = ex.bodyTree();
        String ct = ex.contentType();
        yield store.guaranteedUpdate(ns, name, Subresource.MAIN, opts, "", cur -> {
          ObjectNode patched;
          try {
            patched = Patches.apply(Patches.formatOf(ct), "autoscaling/v1/Scale", toScale(cur), patch);
          } catch (PatchException e) {
            throw ApiException.of(e);
          }
          cur.with("spec").put("replicas", replicas(patched));
          return cur;
        });
      }
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    };
    ex.json(200, toScale(result));
  }

  private static long replicas(ObjectNode scale) {
    JsonNode r = scale.path("spec").path("replicas");
    if (!r.isIntegralNumber() || r.asLong() < 0) {
      throw new ApiException(422, "Invalid", "Scale.autoscaling \"\" is invalid: spec.replicas: Invalid value: "
          + r + ": must be greater than or equal to 0", null);
    }
    return r.asLong();
  }

  static ObjectNode toScale(ObjectNode obj) {
    ObjectNode s = Json.object();
    s.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode meta = s.putObject("metadata");
    for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (obj.path("metadata").has(f)) {
        meta.set(f, obj.path("metadata").get(f));
      }
    }
    s.putObject("spec").put("replicas", obj.path("spec").path("replicas").asLong(0));
    ObjectNode status = s.putObject("status");
    status.put("replicas", obj.path("status").path("replicas").asLong(0));
    // a ReplicationController's selector is the label map itself
    JsonNode ml = obj.path("kind").asText().equals("ReplicationController")
        ? obj.path("spec").path("selector") : obj.path("spec").path("selector").path("matchLabels");
    if (ml.isObject()) {
      Map<String, String> labels = new java.util.TreeMap<>();
      ml.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      status.put("selector", labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
    }
    return s;
  }

  /**
   * pods/{name}/ephemeralcontainers (kubectl debug): the pod, of which a write changes only
   * {@code spec.ephemeralContainers}, as upstream's EphemeralContainersREST; and pods/{name}/resize,
   * the same shape for the containers' resources (upstream's ResizeREST).
   */
  private void ephemeralContainers(Exchange ex, ResourceStore store, String ns, String name, Subresource sub) {
    ObjectNode out = switch (ex.method()) {
      case "GET" -> store.get(ns, name);
      case "PUT" -> store.update(ns, name, ex.bodyObject(), sub, ResourceEndpoints.writeOptions(ex));
      case "PATCH" -> Patching.patch(ex, store, ns, name, sub).object();
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    };
    ex.json(200, out);
  }

  /** POST pods/{name}/eviction: a policy/v1 (or v1beta1) Eviction, answered 201 with a Success Status. */
  private void eviction(Exchange ex, String ns, String name) {
    if (!ex.method().equals("POST")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    ObjectNode body = ex.bodyObject();
    boolean dryRun = ResourceEndpoints.writeOptions(ex).dryRun();
    evictions().evict(ns, name, body, dryRun);
    ObjectNode ok = Json.object();
    ok.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
    ok.put("status", "Success").put("code", 201);
    ex.json(201, ok);
  }

  private PodEviction evictions() {
    PodEviction e = evictions;
    if (e == null) {
      e = new PodEviction(registry, java.time.Clock.systemUTC());
      evictions = e;
    }
    return e;
  }

  /** POST serviceaccounts/{name}/token: a TokenRequest answered with a bound token. */
  private void token(Exchange ex, String ns, String name) {
    if (!ex.method().equals("POST")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    ObjectNode body = ex.bodyObject();
    if (!body.path("kind").asText("TokenRequest").equals("TokenRequest")) {
      throw ApiException.badRequest("the body of a token request must be an authentication.k8s.io/v1 TokenRequest");
    }
    ex.json(201, registry.tokenRequests().create(ns, name, body, ResourceEndpoints.writeOptions(ex).dryRun()));
  }

  /** POST pods/{name}/binding: the scheduler's way to set spec.nodeName, once. */
  private void binding(Exchange ex, ResourceStore store, String ns, String name) {
    if (!ex.method().equals("POST")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    ObjectNode binding = ex.bodyObject();
    store.bind(ns, name, binding.path("target").path("name").asText(""), ResourceEndpoints.writeOptions(ex));
    ObjectNode ok = Json.object();
    ok.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
    ok.put("status", "Success").put("code", 201);
    ex.json(201, ok);
  }

  /** PUT namespaces/{name}/finalize: replaces spec.finalizers, which ends a namespace's deletion. */
  private void finalize(Exchange ex, ResourceStore store, String name) {
    if (!ex.method().equals("PUT")) {
      throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }
    ObjectNode body = ex.bodyObject();
    JsonNode finalizers = body.path("spec").path("finalizers");
    ObjectNode out = store.guaranteedUpdate(null, name, Subresource.MAIN, WriteOptions.DEFAULT, "", nsObj -> {
      if (finalizers.isArray()) {
        nsObj.with("spec").set("finalizers", finalizers);
      } else {
        nsObj.with("spec").remove("finalizers");
      }
      return nsObj;
    });
    ex.json(200, out);
  }
}
