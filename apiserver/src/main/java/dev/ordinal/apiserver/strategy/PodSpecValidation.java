package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The rules a pod spec follows, for pods and for the templates of workloads. */
final class PodSpecValidation {
  private static final List<String> RESTART_POLICIES = List.of("Always", "OnFailure", "Never");
  private static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  private static final Set<String> VOLUME_SOURCES = Set.of("hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore",
      "gitRepo", "secret", "nfs", "iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs",
      "flocker", "downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk",
      "projected", "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image");

  private PodSpecValidation() {}

  static void validate(JsonNode spec, String path, Errors errs) {
    validate(spec, path, Set.of(), errs);
  }

  /** @param extraVolumes volume names provided from elsewhere (a StatefulSet's claim templates) */
  static void validate(JsonNode spec, String path, Set<String> extraVolumes, Errors errs) {
    Set<String> volumes = new HashSet<>();
    int i = 0;
    for (ObjectNode v : Defaults.elements(spec, "volumes")) {
      String p = path + ".volumes[" + i++ + "]";
      String name = v.path("name").asText("");
      if (name.isEmpty()) {
        errs.required(p + ".name", "");
      } else {
        errs.invalidAll(p + ".name", name, NameRules.dns1123Label(name));
        if (!volumes.add(name)) {
          errs.duplicate(p + ".name", name);
        }
      }
      long sources = java.util.stream.StreamSupport.stream(((Iterable<String>) v::fieldNames).spliterator(), false)
          .filter(VOLUME_SOURCES::contains).count();
      if (sources > 1) {
        errs.forbidden(p, "may not specify more than 1 volume type");
      }
    }
    volumes.addAll(extraVolumes);
    JsonNode containers = spec.path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      errs.required(path + ".containers", "");
    }
    Set<String> names = new HashSet<>();
    containers(spec, "initContainers", path, names, volumes, errs);
    containers(spec, "containers", path, names, volumes, errs);
    VolumeDeviceValidation.validate(spec, path, VolumeDeviceValidation.claimVolumes(spec, extraVolumes), errs);
    String restart = spec.path("restartPolicy").asText("");
    if (!RESTART_POLICIES.contains(restart)) {
      errs.notSupported(path + ".restartPolicy", restart, RESTART_POLICIES);
    }
    errs.nonNegative(path + ".terminationGracePeriodSeconds", spec.path("terminationGracePeriodSeconds"));
    String hostname = spec.path("hostname").asText("");
    if (!hostname.isEmpty()) {
      errs.invalidAll(path + ".hostname", hostname, NameRules.dns1123Label(hostname));
    }
    String subdomain = spec.path("subdomain").asText("");
    if (!subdomain.isEmpty()) {
      errs.invalidAll(path + ".subdomain", subdomain, NameRules.dns1123Label(subdomain));
    }
  }

  private static void containers(JsonNode spec, String list, String path, Set<String> names, Set<String> volumes, Errors errs) {
    int i = 0;
    for (ObjectNode c : Defaults.elements(spec, list)) {
      String p = path + "." + list + "[" + i++ + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        errs.required(p + ".name", "");
      } else {
        errs.invalidAll(p + ".name", name, NameRules.dns1123Label(name));
        if (!names.add(name)) {
          errs.duplicate(p + ".name", name);
        }
      }
      if (c.path("image").asText("").isBlank()) {
        errs.required(p + ".image", "");
      }
      int j = 0;
      Set<String> portNames = new HashSet<>();
      for (ObjectNode port : Defaults.elements(c, "ports")) {
        String pp = p + ".ports[" + j++ + "]";
        long cp = port.path("containerPort").asLong(0);
        if (cp < 1 || cp > 65535) {
          errs.invalid(pp + ".containerPort", cp, "must be between 1 and 65535, inclusive");
        }
        String proto = port.path("protocol").asText("TCP");
        if (!PROTOCOLS.contains(proto)) {
          errs.notSupported(pp + ".protocol", proto, PROTOCOLS);
        }
        String pn = port.path("name").asText("");
        if (!pn.isEmpty()) {
          if (pn.length() > 15 || !pn.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || !pn.matches(".*[a-z].*")) {
            errs.invalid(pp + ".name", pn, "must be no more than 15 characters, contain only lowercase alphanumerics or '-' "
                + "and at least one letter");
          } else if (!portNames.add(pn)) {
            errs.duplicate(pp + ".name", pn);
          }
        }
      }
      int k = 0;
      for (ObjectNode m : Defaults.elements(c, "volumeMounts")) {
        String mp = p + ".volumeMounts[" + k++ + "]";
        String vol = m.path("name").asText("");
        if (vol.isEmpty()) {
          errs.required(mp + ".name", "");
        } else if (!volumes.contains(vol)) {
          errs.add(new dev.ordinal.api.FieldError(mp + ".name", dev.ordinal.api.FieldError.Type.NOT_FOUND, vol, ""));
        }
        if (m.path("mountPath").asText("").isEmpty()) {
          errs.required(mp + ".mountPath", "");
        }
      }
    }
  }
}
