package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * snapshot.storage.k8s.io/v1: VolumeSnapshotClass, VolumeSnapshot, VolumeSnapshotContent. The
 * checks are those of upstream's CRDs (external-snapshotter v8: the OpenAPI {@code required} and
 * {@code enum} lists and the CEL rules), with their messages, so a client sees the same 422s.
 */
final class SnapshotStrategies {
  private static final List<String> DELETION_POLICIES = List.of("Delete", "Retain");

  private SnapshotStrategies() {}

  static final ResourceStrategy CLASS = new ResourceStrategy() {
    @Override
    public java.util.Optional<List<String>> unknownFields(ObjectNode obj) {
      return java.util.Optional.of(SnapshotFields.unknown(SnapshotFields.CLASS, obj));
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode vsc) {
      Errors errs = new Errors();
      if (vsc.path("driver").asText("").isEmpty()) {
        errs.required("driver", "");
      }
      deletionPolicy(vsc.path("deletionPolicy"), "deletionPolicy", errs);
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode vsc, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validateCreate(vsc));
      if (!vsc.path("parameters").equals(old.path("parameters"))) {
        errs.add(FieldError.invalid("parameters", "", "parameters are immutable"));
      }
      return errs;
    }
  };

  static final ResourceStrategy SNAPSHOT = new ResourceStrategy() {
    @Override
    public java.util.Optional<List<String>> unknownFields(ObjectNode obj) {
      return java.util.Optional.of(SnapshotFields.unknown(SnapshotFields.SNAPSHOT, obj));
    }

    @Override
    public void prepareForCreate(ObjectNode vs) {
      vs.remove("status");
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode vs) {
      Errors errs = new Errors();
      JsonNode spec = vs.path("spec");
      JsonNode source = spec.path("source");
      if (!source.isObject()) {
        errs.required("spec.source", "");
      } else if (set(source, "persistentVolumeClaimName") == set(source, "volumeSnapshotContentName")) {
        errs.invalid("spec.source", "", "exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set");
      }
      JsonNode className = spec.path("volumeSnapshotClassName");
      if (!className.isMissingNode() && !className.isNull() && className.asText("").isEmpty()) {
        errs.invalid("spec.volumeSnapshotClassName", "", "volumeSnapshotClassName must not be the empty string when set");
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode vs, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validateCreate(vs));
      JsonNode now = vs.path("spec").path("source");
      JsonNode before = old.path("spec").path("source");
      for (String f : List.of("persistentVolumeClaimName", "volumeSnapshotContentName")) {
        if (!now.path(f).equals(before.path(f))) {
          errs.add(FieldError.invalid("spec.source", "", f + " is immutable"));
        }
      }
      return errs;
    }
  };

  static final ResourceStrategy CONTENT = new ResourceStrategy() {
    @Override
    public java.util.Optional<List<String>> unknownFields(ObjectNode obj) {
      return java.util.Optional.of(SnapshotFields.unknown(SnapshotFields.CONTENT, obj));
    }

    @Override
    public void prepareForCreate(ObjectNode vsc) {
      // unlike a snapshot's, a content's status may be written on create: pre-provisioned
      // contents are made by hand, and upstream's CRD has no status subresource rule against it
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode vsc) {
      Errors errs = new Errors();
      JsonNode spec = vsc.path("spec");
      if (spec.path("driver").asText("").isEmpty()) {
        errs.required("spec.driver", "");
      }
      deletionPolicy(spec.path("deletionPolicy"), "spec.deletionPolicy", errs);
      JsonNode source = spec.path("source");
      if (!source.isObject()) {
        errs.required("spec.source", "");
      } else if (set(source, "volumeHandle") == set(source, "snapshotHandle")) {
        errs.invalid("spec.source", "", "exactly one of volumeHandle and snapshotHandle must be set");
      }
      JsonNode ref = spec.path("volumeSnapshotRef");
      if (!ref.isObject()) {
        errs.required("spec.volumeSnapshotRef", "");
      } else if (!set(ref, "name") || !set(ref, "namespace")) {
        errs.invalid("spec.volumeSnapshotRef", "", "both spec.volumeSnapshotRef.name and spec.volumeSnapshotRef.namespace must be set");
      }
      String mode = spec.path("sourceVolumeMode").asText("");
      if (!mode.isEmpty() && !List.of("Block", "Filesystem").contains(mode)) {
        errs.notSupported("spec.sourceVolumeMode", mode, List.of("Block", "Filesystem"));
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode vsc, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validateCreate(vsc));
      JsonNode now = vsc.path("spec");
      JsonNode before = old.path("spec");
      for (String f : List.of("volumeHandle", "snapshotHandle")) {
        if (!now.path("source").path(f).equals(before.path("source").path(f))) {
          errs.add(FieldError.invalid("spec.source", "", f + " is immutable"));
        }
      }
      if (!now.path("sourceVolumeMode").equals(before.path("sourceVolumeMode"))) {
        errs.add(FieldError.invalid("spec.sourceVolumeMode", "", "sourceVolumeMode is immutable"));
      }
      // a content bound to a snapshot stays bound to it (upstream's webhook rule)
      String uid = before.path("volumeSnapshotRef").path("uid").asText("");
      if (!uid.isEmpty() && !uid.equals(now.path("volumeSnapshotRef").path("uid").asText(""))) {
        errs.add(FieldError.invalid("spec.volumeSnapshotRef", "", "volumeSnapshotRef.uid is immutable once set"));
      }
      return errs;
    }
  };

  private static boolean set(JsonNode obj, String field) {
    JsonNode v = obj.path(field);
    return !v.isMissingNode() && !v.isNull();
  }

  private static void deletionPolicy(JsonNode policy, String path, Errors errs) {
    if (policy.isMissingNode() || policy.isNull()) {
      errs.required(path, "");
    } else if (!DELETION_POLICIES.contains(policy.asText())) {
      errs.notSupported(path, policy.asText(), DELETION_POLICIES);
    }
  }
}
