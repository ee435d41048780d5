package dev.ordinal.controllers.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;

/** How a workload controller writes the status it computed: through the status subresource, retried on conflicts. */
public final class StatusWrites {
  private StatusWrites() {}

  /**
   * Replaces the object's status with {@code status}. On a conflict the object is read again and
   * the write retried (up to five times); an object deleted meanwhile needs no status. The caller
   * decides first whether the status changed at all.
   */
  public static void replace(Client client, ResourceType type, ObjectNode object, ObjectNode status) {
    ObjectNode latest = object;
    for (int attempt = 0; attempt < 5; attempt++) {
      ObjectNode next = latest.deepCopy();
      next.set("status", status);
      try {
        client.updateStatus(type, next);
        return;
      } catch (ApiException e) {
        if (e.code() == 404) {
          return;
        }
        if (e.code() != 409) {
          throw e;
        }
        latest = client.get(type, Meta.namespace(object), Meta.name(object));
      }
    }
  }
}
