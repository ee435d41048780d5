package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;

/** The `local-path` StorageClass every Ordinal starts with, marked default. */
public final class DefaultStorageClass {
  public static final String NAME = "local-path";
  public static final String PROVISIONER = "ordinal.dev/local-path";

  private DefaultStorageClass() {}

  public static void ensure(Client client) {
    ObjectNode sc = Json.object();
    sc.put("apiVersion", "storage.k8s.io/v1").put("kind", "StorageClass");
    sc.putObject("metadata").put("name", NAME).putObject("annotations").put("storageclass.kubernetes.io/is-default-class", "true");
    sc.put("provisioner", PROVISIONER).put("reclaimPolicy", "Delete").put("volumeBindingMode", "WaitForFirstConsumer")
        .put("allowVolumeExpansion", true);
    try {
      client.create(Types.STORAGE_CLASSES, null, sc);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }
}
