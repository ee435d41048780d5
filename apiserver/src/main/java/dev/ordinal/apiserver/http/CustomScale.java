package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.patch.PatchException;
import dev.ordinal.api.patch.Patches;
import dev.ordinal.apiserver.crd.ScaleSubresource;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;

/** A custom resource's scale subresource: autoscaling/v1 Scale over the CRD's replica and selector paths. */
final class CustomScale {
  private CustomScale() {}

  static void serve(Exchange ex, ResourceStore store, String ns, String name, ScaleSubresource paths) {
    WriteOptions opts = ex.method().equals("GET") ? WriteOptions.DEFAULT : ResourceEndpoints.writeOptions(ex);
    ObjectNode result = switch (ex.method()) {
      case "GET" -> store.get(ns, name);
      case "PUT" -> {
        ObjectNode scale = ex.bodyObject();
        long replicas = replicas(scale);
        yield store.guaranteedUpdate(ns, name, Subresource.MAIN, opts, Meta.resourceVersion(scale), cur -> {
          paths.setReplicas(cur, replicas);
          return cur;
        });
      }
      case "PATCH" -> {
        JsonNode patch = ex.bodyTree();
        String ct = ex.contentType();
        yield store.guaranteedUpdate(ns, name, Subresource.MAIN, opts, "", cur -> {
          ObjectNode patched;
          try {
            patched = Patches.apply(Patches.formatOf(ct), "autoscaling/v1/Scale", toScale(cur, paths), patch);
          } catch (PatchException e) {
            throw ApiException.of(e);
          }
          paths.setReplicas(cur, replicas(patched));
          return cur;
        });
      }
      default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    };
    ex.json(200, toScale(result, paths));
  }

  private static long replicas(ObjectNode scale) {
    JsonNode r = scale.path("spec").path("replicas");
    if (!r.isIntegralNumber() || r.asLong() < 0) {
      throw new ApiException(422, "Invalid", "Scale.autoscaling \"\" is invalid: spec.replicas: Invalid value: "
          + r + ": must be greater than or equal to 0", null);
    }
    return r.asLong();
  }

  static ObjectNode toScale(ObjectNode obj, ScaleSubresource paths) {
    ObjectNode s = Json.object();
    s.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode meta = s.putObject("metadata");
    for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (obj.path("metadata").has(f)) {
        meta.set(f, obj.path("metadata").get(f));
      }
    }
    s.putObject("spec").put("replicas", paths.specReplicas(obj).asLong(0));
    ObjectNode status = s.putObject("status");
    status.put("replicas", paths.statusReplicas(obj).asLong(0));
    String selector = paths.selector(obj);
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return s;
  }
}
