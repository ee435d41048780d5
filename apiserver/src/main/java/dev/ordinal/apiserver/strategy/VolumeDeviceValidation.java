package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * Containers' {@code volumeDevices} (raw block volumes), with upstream's rules and words: each
 * names a claim volume (a persistentVolumeClaim or ephemeral one, or a StatefulSet's claim
 * template), at a unique device path without backsteps, and no volume is both mounted and a device.
 */
final class VolumeDeviceValidation {
  private VolumeDeviceValidation() {}

  /**
   * @param claimVolumes the pod's volumes that can be block devices
   */
  static void validate(JsonNode spec, String path, Set<String> claimVolumes, Errors errs) {
    for (String list : new String[] {"initContainers", "containers"}) {
      int i = 0;
      for (ObjectNode c : Defaults.elements(spec, list)) {
        container(c, path + "." + list + "[" + i++ + "]", claimVolumes, errs);
      }
    }
  }

  /** The names of a pod spec's volumes that can back a device. */
  static Set<String> claimVolumes(JsonNode spec, Set<String> templateClaims) {
    Set<String> out = new HashSet<>(templateClaims);
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("persistentVolumeClaim") || v.has("ephemeral")) {
        out.add(v.path("name").asText());
      }
    }
    return out;
  }

  private static void container(ObjectNode c, String p, Set<String> claimVolumes, Errors errs) {
    Set<String> mounted = new HashSet<>();
    Set<String> mountPaths = new HashSet<>();
    for (JsonNode m : c.path("volumeMounts")) {
      mounted.add(m.path("name").asText());
      mountPaths.add(m.path("mountPath").asText());
    }
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    int k = 0;
    for (JsonNode d : c.path("volumeDevices")) {
      String dp = p + ".volumeDevices[" + k++ + "]";
      String name = d.path("name").asText("");
      String device = d.path("devicePath").asText("");
      if (name.isEmpty()) {
        errs.required(dp + ".name", "");
      } else if (!claimVolumes.contains(name)) {
        errs.invalid(dp + ".name", name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode");
      } else if (!names.add(name)) {
        errs.invalid(dp + ".name", name, "must be unique");
      } else if (mounted.contains(name)) {
        errs.invalid(dp + ".name", name, "can not be used as both a volumeMount and a volumeDevice");
      }
      if (device.isEmpty()) {
        errs.required(dp + ".devicePath", "");
      } else if (java.util.List.of(device.split("/")).contains("..")) {
        errs.invalid(dp + ".devicePath", device, "can not contain backsteps ('..')");
      } else if (!paths.add(device)) {
        errs.invalid(dp + ".devicePath", device, "must be unique");
      } else if (mountPaths.contains(device)) {
        errs.invalid(dp + ".devicePath", device, "must not already exist as a path in volumeMounts");
      }
    }
  }
}
