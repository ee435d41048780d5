package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** PersistentVolumeClaims, PersistentVolumes and StorageClasses. */
final class StoragePrinters {
  private StoragePrinters() {}

  private static final String UNSET = "<unset>";

  static final TablePrinter CLAIM = new Printer(List.of(
      Printer.NAME,
      col("Status", "string", "The phase of the claim"),
      col("Volume", "string", "The name of the bound volume"),
      col("Capacity", "string", "The capacity of the bound volume"),
      col("Access Modes", "string", "The access modes of the bound volume"),
      col("StorageClass", "string", "The storage class of the claim"),
      col("VolumeAttributesClass", "string", "The volume attributes class of the claim"),
      Printer.AGE,
      wide("VolumeMode", "string", "The volume mode of the claim")),
      (pvc, now) -> List.of(Cells.text(pvc, "metadata", "name"), Cells.text(pvc, "status", "phase"),
          Cells.text(pvc, "spec", "volumeName"), Cells.text(pvc, "status", "capacity", "storage"),
          Cells.accessModes(pvc.path("status").path("accessModes")), storageClass(pvc),
          orUnset(Cells.text(pvc, "spec", "volumeAttributesClassName")), Cells.age(pvc, now),
          Cells.text(pvc, "spec", "volumeMode").isEmpty() ? "Filesystem" : Cells.text(pvc, "spec", "volumeMode")));

  static final TablePrinter VOLUME = new Printer(List.of(
      Printer.NAME,
      col("Capacity", "string", "The capacity of the volume"),
      col("Access Modes", "string", "The access modes of the volume"),
      col("Reclaim Policy", "string", "What happens to the volume when its claim is released"),
      col("Status", "string", "The phase of the volume"),
      col("Claim", "string", "The claim bound to the volume"),
      col("StorageClass", "string", "The storage class of the volume"),
      col("VolumeAttributesClass", "string", "The volume attributes class of the volume"),
      col("Reason", "string", "Why the volume is in its phase"),
      Printer.AGE,
      wide("VolumeMode", "string", "The volume mode of the volume")),
      (pv, now) -> {
        JsonNode ref = pv.path("spec").path("claimRef");
        String claim = ref.isMissingNode() ? "" : Cells.text(ref, "namespace") + "/" + Cells.text(ref, "name");
        return List.of(Cells.text(pv, "metadata", "name"), Cells.text(pv, "spec", "capacity", "storage"),
            Cells.accessModes(pv.path("spec").path("accessModes")), Cells.text(pv, "spec", "persistentVolumeReclaimPolicy"),
            Cells.text(pv, "status", "phase"), claim, storageClass(pv), orUnset(Cells.text(pv, "spec", "volumeAttributesClassName")),
            Cells.text(pv, "status", "reason"), Cells.age(pv, now),
            Cells.text(pv, "spec", "volumeMode").isEmpty() ? "Filesystem" : Cells.text(pv, "spec", "volumeMode"));
      });

  static final TablePrinter STORAGE_CLASS = new Printer(List.of(
      Printer.NAME,
      col("Provisioner", "string", "Indicates the type of the provisioner."),
      col("ReclaimPolicy", "string", "Indicates the type of the reclaim policy."),
      col("VolumeBindingMode", "string", "Indicates how PersistentVolumeClaims should be provisioned and bound."),
      col("AllowVolumeExpansion", "string", "Indicates whether the storage class allow volume expand."),
      Printer.AGE),
      (sc, now) -> {
        String name = Cells.text(sc, "metadata", "name");
        if ("true".equals(Cells.text(sc, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class"))) {
          name += " (default)";
        }
        return List.of(name, Cells.text(sc, "provisioner"), orDefault(Cells.text(sc, "reclaimPolicy"), "Delete"),
            orDefault(Cells.text(sc, "volumeBindingMode"), "Immediate"), sc.path("allowVolumeExpansion").asBoolean(false),
            Cells.age(sc, now));
      });

  private static String storageClass(JsonNode obj) {
    String sc = Cells.text(obj, "spec", "storageClassName");
    return sc.isEmpty() ? Cells.text(obj, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class") : sc;
  }

  private static String orUnset(String s) {
    return s.isEmpty() ? UNSET : s;
  }

  private static String orDefault(String s, String d) {
    return s.isEmpty() ? d : s;
  }
}
