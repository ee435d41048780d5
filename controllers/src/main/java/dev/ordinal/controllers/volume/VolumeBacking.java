package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Map;

/**
 * The host side of the volumes the local-path provisioner makes: what holds a claim's data, how it
 * grows and how it goes. {@link DirectoryBacking} is a plain directory (no capacity; the simulated
 * runtime's and the fallback); the runc node's {@code LoopVolumes} gives each claim a filesystem of
 * its size on a sparse file attached as a loop device, or a raw device for {@code volumeMode: Block}.
 */
public interface VolumeBacking {
  /** What was made for a new volume: the PV's hostPath path and the annotations that describe it. */
  record Made(String path, Map<String, String> annotations) {}

  /** Makes the storage of volume {@code pvName}: {@code bytes} large, a filesystem or (Block) a raw device. */
  Made create(String pvName, long bytes, boolean block) throws IOException;

  /**
   * Grows the volume to {@code bytes}, online, filesystem included; answers the capacity it has
   * now (its size for volumes without one).
   */
  long expand(ObjectNode pv, long bytes) throws IOException;

  /** Whether growing needs this backing (false: the capacity is a label, as for a directory). */
  boolean limitsCapacity(ObjectNode pv);

  /** Removes the volume's storage; false for volumes that are not this backing's to remove. */
  boolean delete(ObjectNode pv) throws IOException;

  /** A snapshot's data on the host: its handle (a path under the volumes root) and its size. */
  record Copy(String handle, long bytes) {}

  /**
   * Takes a consistent copy of the volume as snapshot {@code name}: the filesystem is frozen
   * (no write reaches it, what was written is on the device) while it is copied. Answers the
   * copy already made under that name if there is one.
   */
  default Copy snapshot(ObjectNode pv, String name) throws IOException {
    throw new IOException("this node's volumes cannot be snapshotted");
  }

  /** Whether the snapshot data of {@code handle} is there (pre-provisioned contents name one). */
  default boolean snapshotExists(String handle) {
    return false;
  }

  /** Removes a snapshot's data; false for a handle that is not this backing's to remove. */
  default boolean deleteSnapshot(String handle) throws IOException {
    return false;
  }

  /**
   * Makes volume {@code pvName} as {@link #create} does, but holding the data of the snapshot
   * {@code handle}, grown to {@code bytes} when that is larger than the snapshot.
   */
  default Made restore(String pvName, String handle, long bytes, boolean block) throws IOException {
    throw new IOException("this node's volumes cannot be restored from snapshots");
  }
}
