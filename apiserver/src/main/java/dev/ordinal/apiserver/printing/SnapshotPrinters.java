package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** snapshot.storage.k8s.io/v1, with the columns of upstream's CRDs (additionalPrinterColumns). */
final class SnapshotPrinters {
  private SnapshotPrinters() {}

  static final TablePrinter SNAPSHOT = new Printer(List.of(
      Printer.NAME,
      col("ReadyToUse", "boolean", "Indicates if the snapshot is ready to be used to restore a volume."),
      col("SourcePVC", "string", "If a new snapshot needs to be created, this contains the name of the source PVC from which this snapshot was (or will be) created."),
      col("SourceSnapshotContent", "string", "If a snapshot already exists, this contains the name of the existing VolumeSnapshotContent object representing the existing snapshot."),
      col("RestoreSize", "string", "Represents the minimum size of volume required to rehydrate from this snapshot."),
      col("SnapshotClass", "string", "The name of the VolumeSnapshotClass requested by the VolumeSnapshot."),
      col("SnapshotContent", "string", "Name of the VolumeSnapshotContent object to which the VolumeSnapshot object intends to bind to. Please note that verification of binding actually requires checking both VolumeSnapshot and VolumeSnapshotContent to ensure both are pointing at each other. Binding MUST be verified prior to usage of this object."),
      col("CreationTime", "date", "Timestamp when the point-in-time snapshot was taken by the underlying storage system."),
      Printer.AGE),
      (vs, now) -> List.of(Cells.text(vs, "metadata", "name"), optional(vs.path("status").path("readyToUse")),
          Cells.text(vs, "spec", "source", "persistentVolumeClaimName"), Cells.text(vs, "spec", "source", "volumeSnapshotContentName"),
          Cells.text(vs, "status", "restoreSize"), Cells.text(vs, "spec", "volumeSnapshotClassName"),
          Cells.text(vs, "status", "boundVolumeSnapshotContentName"),
          Cells.text(vs, "status", "creationTime").isEmpty() ? "" : Cells.since(Cells.text(vs, "status", "creationTime"), now),
          Cells.age(vs, now)));

  static final TablePrinter CONTENT = new Printer(List.of(
      Printer.NAME,
      col("ReadyToUse", "boolean", "Indicates if the snapshot is ready to be used to restore a volume."),
      col("RestoreSize", "integer", "Represents the complete size of the snapshot in bytes"),
      col("DeletionPolicy", "string", "Determines whether this VolumeSnapshotContent and its physical snapshot on the underlying storage system should be deleted when its bound VolumeSnapshot is deleted."),
      col("Driver", "string", "Name of the CSI driver used to create the physical snapshot on the underlying storage system."),
      col("VolumeSnapshotClass", "string", "Name of the VolumeSnapshotClass to which this snapshot belongs."),
      col("VolumeSnapshot", "string", "Name of the VolumeSnapshot object to which this VolumeSnapshotContent object is bound."),
      col("VolumeSnapshotNamespace", "string", "Namespace of the VolumeSnapshot object to which this VolumeSnapshotContent object is bound."),
      Printer.AGE),
      (c, now) -> List.of(Cells.text(c, "metadata", "name"), optional(c.path("status").path("readyToUse")),
          c.path("status").has("restoreSize") ? (Object) c.path("status").path("restoreSize").asLong() : "",
          Cells.text(c, "spec", "deletionPolicy"), Cells.text(c, "spec", "driver"), Cells.text(c, "spec", "volumeSnapshotClassName"),
          Cells.text(c, "spec", "volumeSnapshotRef", "name"), Cells.text(c, "spec", "volumeSnapshotRef", "namespace"),
          Cells.age(c, now)));

  static final TablePrinter CLASS = new Printer(List.of(
      Printer.NAME,
      col("Driver", "string", ""),
      col("DeletionPolicy", "string", "Determines whether a VolumeSnapshotContent created through the VolumeSnapshotClass should be deleted when its bound VolumeSnapshot is deleted."),
      Printer.AGE),
      (c, now) -> List.of(Cells.text(c, "metadata", "name"), Cells.text(c, "driver"), Cells.text(c, "deletionPolicy"),
          Cells.age(c, now)));

  /** A boolean column left empty while the field is not there, as kubectl prints a missing one. */
  private static Object optional(JsonNode b) {
    return b.isBoolean() ? (Object) b.asBoolean() : "";
  }
}
