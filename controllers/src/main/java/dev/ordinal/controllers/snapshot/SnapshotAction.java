package dev.ordinal.controllers.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One write the snapshot controller makes, as {@link SnapshotPlanner} decides it. */
public sealed interface SnapshotAction {
  /** The snapshot's finalizers become {@code finalizers}. */
  record SnapshotFinalizers(List<String> finalizers) implements SnapshotAction {}

  /** A snapshot naming no class gets the default one written in its spec, as upstream's controller does. */
  record SnapshotClassName(String name) implements SnapshotAction {}

  /** The source claim gets (or loses) {@code pvc-as-source-protection}. */
  record ClaimFinalizer(String namespace, String claim, boolean present) implements SnapshotAction {}

  /** A new VolumeSnapshotContent, bound to the snapshot. */
  record CreateContent(ObjectNode content) implements SnapshotAction {}

  /** A pre-provisioned content gets the snapshot's uid in {@code spec.volumeSnapshotRef}. */
  record BindContent(String content, String snapshotUid) implements SnapshotAction {}

  /** The snapshot's status becomes {@code status}. */
  record SnapshotStatus(ObjectNode status) implements SnapshotAction {}

  /** Deletes a content (its data goes with it when its policy is Delete). */
  record DeleteContent(String content) implements SnapshotAction {}

  /** The content's finalizers become {@code finalizers}. */
  record ContentFinalizers(List<String> finalizers) implements SnapshotAction {}

  /** Copy the volume {@code pv} (frozen) as the content's data, then mark the content ready. */
  record TakeSnapshot(String pv) implements SnapshotAction {}

  /** The content's status becomes {@code status}. */
  record ContentStatus(ObjectNode status) implements SnapshotAction {}

  /** Remove the data of a snapshot handle from the host. */
  record DeleteData(String handle) implements SnapshotAction {}

  /** An Event on the object synced. */
  record Event(String type, String reason, String message) implements SnapshotAction {}
}
