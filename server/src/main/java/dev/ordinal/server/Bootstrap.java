package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.rbac.BootstrapPolicy;
import dev.ordinal.controllers.volume.DefaultStorageClass;

/** The objects every cluster starts with, created through the API if missing. */
final class Bootstrap {
  private Bootstrap() {}

  static void ensureSystemObjects(Client client) {
    for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      ObjectNode obj = Json.object();
      obj.put("apiVersion", "v1").put("kind", "Namespace");
      obj.putObject("metadata").put("name", ns);
      try {
        client.create(Types.NAMESPACES, null, obj);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
    }
    DefaultStorageClass.ensure(client);
    BootstrapPolicy.ensure(client);
  }

  /**
   * The {@code kubernetes} Service in {@code default} (10.96.0.1:443, as on every cluster) and its
   * Endpoints naming where the API server listens, rewritten at each start (the port may change).
   */
  static void ensureKubernetesService(Client client, String listen, int port) {
    ObjectNode svc = Json.object();
    svc.put("apiVersion", "v1").put("kind", "Service");
    svc.putObject("metadata").put("name", "kubernetes").put("namespace", "default").putObject("labels")
        .put("component", "apiserver").put("provider", "kubernetes");
    svc.putObject("spec").put("type", "ClusterIP").putArray("ports").addObject().put("name", "https").put("port", 443)
        .put("protocol", "TCP").put("targetPort", port);
    try {
      client.create(Types.SERVICES, "default", svc);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
    ObjectNode ep = client.find(Types.ENDPOINTS, "default", "kubernetes").orElse(null);
    ObjectNode fresh = ep == null ? Json.object() : ep;
    fresh.put("apiVersion", "v1").put("kind", "Endpoints");
    fresh.with("metadata").put("name", "kubernetes").put("namespace", "default");
    ObjectNode subset = fresh.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", listen.equals("0.0.0.0") ? "127.0.0.1" : listen);
    subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    if (ep == null) {
      client.create(Types.ENDPOINTS, "default", fresh);
    } else {
      client.update(Types.ENDPOINTS, fresh);
    }
  }
}
