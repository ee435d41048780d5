package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
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
  }
}
