package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;

/** PersistentVolumeClaims, PersistentVolumes and StorageClasses. */
final class StorageStrategies {
  private static final List<String> ACCESS_MODES = List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod");
  private static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");

  private StorageStrategies() {}

  static final ResourceStrategy CLAIM = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode pvc) {
      pvc.remove("status");
      pvc.putObject("status").put("phase", "Pending");
      normalizeDataSources(pvc);
    }

    @Override
    public void applyDefaults(ObjectNode pvc) {
      Defaults.put(Defaults.object(pvc, "spec"), "volumeMode", "Filesystem");
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode pvc) {
      Errors errs = new Errors();
      JsonNode spec = pvc.path("spec");
      accessModes(spec.path("accessModes"), "spec.accessModes", errs);
      volumeMode(spec, errs);
      JsonNode storage = spec.path("resources").path("requests").path("storage");
      if (storage.isMissingNode()) {
        errs.required("spec.resources[storage]", "");
      } else {
        quantity("spec.resources.requests[storage]", storage, errs);
      }
      dataSources(spec, errs);
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode pvc, ObjectNode old) {
      List<FieldError> errs = new java.util.ArrayList<>(validateCreate(pvc));
      ObjectNode a = pvc.path("spec").deepCopy();
      ObjectNode b = old.path("spec").deepCopy();
      // as upstream: only a bound claim's storage request may change (volume expansion)
      boolean bound = old.path("status").path("phase").asText("").equals("Bound");
      for (ObjectNode s : List.of(a, b)) {
        if (bound && s.path("resources").path("requests").isObject()) {
          ((ObjectNode) s.path("resources").path("requests")).remove("storage");
        }
        s.remove("volumeAttributesClassName");
      }
      if (old.path("spec").path("volumeName").asText("").isEmpty()) {
        a.remove("volumeName");
        b.remove("volumeName");
      }
      if (!a.equals(b)) {
        errs.add(FieldError.forbidden("spec", "spec is immutable after creation except resources.requests and "
            + "volumeAttributesClassName for bound claims"));
      }
      shrink(pvc, old, errs);
      return errs;
    }
  };

  /**
   * Upstream's NormalizeDataSources (AnyVolumeDataSource): either of dataSource and dataSourceRef
   * given alone is copied to the other (a dataSourceRef naming another namespace is not).
   */
  private static void normalizeDataSources(ObjectNode pvc) {
    if (!pvc.path("spec").isObject()) {
      return;
    }
    ObjectNode spec = (ObjectNode) pvc.path("spec");
    JsonNode ds = spec.path("dataSource");
    JsonNode ref = spec.path("dataSourceRef");
    if (ds.isObject() && !ref.isObject()) {
      spec.set("dataSourceRef", ds.deepCopy());
    } else if (ref.isObject() && !ds.isObject() && ref.path("namespace").asText("").isEmpty()) {
      ObjectNode copy = ref.deepCopy();
      copy.remove("namespace");
      spec.set("dataSource", copy);
    }
  }

  /** Upstream's ValidateDataSource / ValidateDataSourceRef, and that the two agree. */
  private static void dataSources(JsonNode spec, Errors errs) {
    for (String field : List.of("dataSource", "dataSourceRef")) {
      JsonNode ds = spec.path(field);
      if (!ds.isObject()) {
        continue;
      }
      String path = "spec." + field;
      if (ds.path("name").asText("").isEmpty()) {
        errs.required(path + ".name", "");
      }
      String kind = ds.path("kind").asText("");
      if (kind.isEmpty()) {
        errs.required(path + ".kind", "");
      }
      if (ds.path("apiGroup").asText("").isEmpty() && !kind.isEmpty() && !kind.equals("PersistentVolumeClaim")) {
        errs.invalid(path + ".kind", kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup");
      }
    }
    JsonNode ds = spec.path("dataSource");
    JsonNode ref = spec.path("dataSourceRef");
    if (ds.isObject() && ref.isObject() && ref.path("namespace").asText("").isEmpty()) {
      for (String f : List.of("apiGroup", "kind", "name")) {
        if (!ds.path(f).asText("").equals(ref.path(f).asText(""))) {
          errs.invalid("spec", "dataSource", "must match dataSourceRef");
          break;
        }
      }
    }
  }

  /**
   * Volumes never shrink. As upstream 1.32 (RecoverVolumeExpansionFailure on): a request may go
   * back down from a growth not yet done, but never to the capacity the volume has or below.
   */
  private static void shrink(ObjectNode pvc, ObjectNode old, List<FieldError> errs) {
    String now = pvc.path("spec").path("resources").path("requests").path("storage").asText("");
    String before = old.path("spec").path("resources").path("requests").path("storage").asText("");
    if (now.isEmpty() || before.isEmpty()) {
      return;
    }
    try {
      java.math.BigDecimal newSize = Quantity.getAmountInBytes(new Quantity(now));
      if (newSize.compareTo(Quantity.getAmountInBytes(new Quantity(before))) >= 0) {
        return;
      }
      String capacity = old.path("status").path("capacity").path("storage").asText("");
      if (capacity.isEmpty() || newSize.compareTo(Quantity.getAmountInBytes(new Quantity(capacity))) <= 0) {
        errs.add(FieldError.forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"));
      }
    } catch (RuntimeException e) {
      // a malformed quantity is reported by validateCreate
    }
  }

  static final ResourceStrategy VOLUME = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode pv) {
      pv.remove("status");
      pv.putObject("status").put("phase", "Pending");
    }

    @Override
    public void applyDefaults(ObjectNode pv) {
      ObjectNode spec = Defaults.object(pv, "spec");
      Defaults.put(spec, "persistentVolumeReclaimPolicy", "Retain");
      Defaults.put(spec, "volumeMode", "Filesystem");
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode pv) {
      Errors errs = new Errors();
      JsonNode spec = pv.path("spec");
      accessModes(spec.path("accessModes"), "spec.accessModes", errs);
      volumeMode(spec, errs);
      JsonNode storage = spec.path("capacity").path("storage");
      if (storage.isMissingNode()) {
        errs.required("spec.capacity", "");
      } else {
        quantity("spec.capacity[storage]", storage, errs);
      }
      String reclaim = spec.path("persistentVolumeReclaimPolicy").asText("");
      if (!List.of("Retain", "Delete", "Recycle").contains(reclaim)) {
        errs.notSupported("spec.persistentVolumeReclaimPolicy", reclaim, List.of("Delete", "Recycle", "Retain"));
      }
      long sources = List.of("hostPath", "local", "nfs", "csi", "iscsi", "fc", "cephfs", "rbd", "glusterfs").stream()
          .filter(spec::has).count();
      if (sources == 0) {
        errs.required("spec", "must specify a volume type");
      } else if (sources > 1) {
        errs.forbidden("spec", "may not specify more than 1 volume type");
      }
      return errs.list();
    }
  };

  static final ResourceStrategy CLASS = new ResourceStrategy() {
    @Override
    public void applyDefaults(ObjectNode sc) {
      Defaults.put(sc, "reclaimPolicy", "Delete");
      Defaults.put(sc, "volumeBindingMode", "Immediate");
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode sc) {
      Errors errs = new Errors();
      String provisioner = sc.path("provisioner").asText("");
      if (provisioner.isEmpty()) {
        errs.required("provisioner", "");
      }
      String mode = sc.path("volumeBindingMode").asText("");
      if (!List.of("Immediate", "WaitForFirstConsumer").contains(mode)) {
        errs.notSupported("volumeBindingMode", mode, List.of("Immediate", "WaitForFirstConsumer"));
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode sc, ObjectNode old) {
      List<FieldError> errs = new java.util.ArrayList<>(validateCreate(sc));
      for (String f : List.of("provisioner", "parameters", "reclaimPolicy", "volumeBindingMode")) {
        if (!sc.path(f).equals(old.path(f))) {
          errs.add(FieldError.forbidden(f, "updates to " + f + " are forbidden."));
        }
      }
      return errs;
    }
  };

  private static void accessModes(JsonNode modes, String path, Errors errs) {
    if (!modes.isArray() || modes.isEmpty()) {
      errs.required(path, "at least 1 access mode is required");
      return;
    }
    for (JsonNode m : modes) {
      if (!ACCESS_MODES.contains(m.asText())) {
        errs.notSupported(path, m.asText(), ACCESS_MODES);
      }
    }
  }

  private static void volumeMode(JsonNode spec, Errors errs) {
    String mode = spec.path("volumeMode").asText("Filesystem");
    if (!VOLUME_MODES.contains(mode)) {
      errs.notSupported("spec.volumeMode", mode, VOLUME_MODES);
    }
  }

  static void quantity(String path, JsonNode value, Errors errs) {
    try {
      Quantity q = new Quantity(value.asText());
      if (Quantity.getAmountInBytes(q).signum() < 0) {
        errs.invalid(path, value.asText(), "must be greater than or equal to 0");
      }
    } catch (RuntimeException e) {
      errs.invalid(path, value.asText(), "quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
  }
}
