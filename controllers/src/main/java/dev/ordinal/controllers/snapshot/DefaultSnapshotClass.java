package dev.ordinal.controllers.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;

/**
 * The {@code local-path} VolumeSnapshotClass every Ordinal starts with, marked default, so that a
 * VolumeSnapshot naming no class works as the {@code local-path} StorageClass makes a claim naming
 * none work. Made once: a user's edits (or its deletion's replacement) are left alone.
 */
public final class DefaultSnapshotClass {
  public static final String NAME = "local-path";

  private DefaultSnapshotClass() {}

  public static void ensure(Client client) {
    ObjectNode c = Json.object();
    c.put("apiVersion", "snapshot.storage.k8s.io/v1").put("kind", "VolumeSnapshotClass");
    c.putObject("metadata").put("name", NAME).putObject("annotations").put(SnapshotPlanner.DEFAULT_CLASS, "true");
    c.put("driver", SnapshotPlanner.DRIVER).put("deletionPolicy", "Delete");
    try {
      client.create(Types.VOLUME_SNAPSHOT_CLASSES, null, c);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }
}
