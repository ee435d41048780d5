package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A pod's volumes as host directories: claims resolve to their bound volume's path, hostPath and
 * local volumes to theirs, emptyDir to a directory of the pod's (a tmpfs with {@code medium:
 * Memory}), and ConfigMap, Secret, downward API and projected volumes to files written under the
 * pod's directory — rewritten on every sync, so a changed ConfigMap reaches running containers.
 */
final class PodVolumes {
  private final PodResources resources;
  private final Set<String> owned = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ProjectedTokens tokens;
  private final LoopVolumes loops;

  PodVolumes(PodResources resources, LoopVolumes loops) {
    this.resources = resources;
    this.tokens = new ProjectedTokens(resources);
    this.loops = loops;
  }

  PodResources resources() {
    return resources;
  }

  /** Every volume of the pod by name, made ready on the host (with the pod's fsGroup, see {@link VolumeOwnership}). */
  Map<String, Path> prepare(ObjectNode pod, Path podDir, String podIp) throws IOException, ConfigError {
    Map<String, Path> out = new LinkedHashMap<>();
    String ns = Meta.namespace(pod);
    JsonNode podSc = pod.path("spec").path("securityContext");
    Long fsGroup = podSc.path("fsGroup").isIntegralNumber() ? podSc.path("fsGroup").asLong() : null;
    String policy = podSc.path("fsGroupChangePolicy").asText("Always");
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String name = v.path("name").asText();
      Path own = podDir.resolve("volumes").resolve(name);
      if (v.has("persistentVolumeClaim")) {
        Claim claim = claim(ns, v.path("persistentVolumeClaim").path("claimName").asText());
        // as upstream's local volume plugin: ownership is managed unless the volume is mounted read-only
        if (fsGroup != null && claim.managed() && !v.path("persistentVolumeClaim").path("readOnly").asBoolean(false)) {
          applyOnce(pod, name, claim.path(), fsGroup, policy, false);
        }
        out.put(name, claim.path());
      } else if (v.has("hostPath")) {
        // upstream's hostPath plugin leaves ownership alone, fsGroup or not
        Path p = Path.of(v.path("hostPath").path("path").asText());
        String type = v.path("hostPath").path("type").asText("");
        if (type.equals("DirectoryOrCreate") && !Files.exists(p)) {
          Files.createDirectories(p);
        } else if (type.equals("Directory") && !Files.isDirectory(p)) {
          throw new ConfigError("hostPath type check failed: " + p + " is not a directory");
        }
        out.put(name, p);
      } else if (v.has("emptyDir")) {
        if (!Files.isDirectory(own)) {
          Files.createDirectories(own);
          // world-writable, as kubelet makes them: containers of one pod may run as different users
          Files.setPosixFilePermissions(own, permissions(0777));
        }
        if (v.path("emptyDir").path("medium").asText("").equals("Memory") && !RuncContainer.mounted(own)) {
          String size = v.path("emptyDir").path("sizeLimit").asText("");
          HostCommand.check(List.of("mount", "-t", "tmpfs", "-o", size.isEmpty() ? "mode=777" : "mode=777,size=" + bytes(size),
              "tmpfs", own.toString()), Duration.ofSeconds(10));
        }
        if (fsGroup != null) {
          applyOnce(pod, name, own, fsGroup, "Always", false); // upstream's emptyDir ignores the policy
        }
        out.put(name, own);
      } else {
        Map<String, FileContent> files = projectedFiles(pod, v, podIp);
        if (files == null) {
          continue; // a kind of volume this node does not serve
        }
        writeFiles(own, files, fsGroup);
        if (fsGroup != null) {
          VolumeOwnership.apply(own, fsGroup, null, true); // read-only volumes: group read, never write
        }
        out.put(name, own);
      }
    }
    return out;
  }

  /** Ownership is set up once per pod and volume, as kubelet does at mount time, not on every sync. */
  private void applyOnce(ObjectNode pod, String volume, Path path, long fsGroup, String policy, boolean readOnly) throws IOException {
    String key = Meta.uid(pod) + "/" + volume;
    if (!owned.contains(key)) {
      VolumeOwnership.apply(path, fsGroup, policy, readOnly);
      owned.add(key);
    }
  }

  /** Forgets what was set up for a pod that is gone. */
  void forget(String podUid) {
    owned.removeIf(k -> k.startsWith(podUid + "/"));
    tokens.forget(podUid);
  }

  /** A claim's directory, and whether the node manages its ownership (fsGroup). */
  record Claim(Path path, boolean managed) {}

  private Claim claim(String ns, String claimName) throws ConfigError {
    ObjectNode claim = resources.claim(ns, claimName)
        .orElseThrow(() -> new ConfigError("persistentvolumeclaim \"" + claimName + "\" not found"));
    String volumeName = claim.path("spec").path("volumeName").asText("");
    ObjectNode pv = volumeName.isEmpty() ? null : resources.volume(volumeName).orElse(null);
    if (pv == null) {
      throw new ConfigError("persistentvolumeclaim \"" + claimName + "\" is not bound");
    }
    JsonNode spec = pv.path("spec");
    String path = spec.path("hostPath").path("path").asText(spec.path("local").path("path").asText(""));
    if (path.isEmpty()) {
      throw new ConfigError("volume " + volumeName + " is neither hostPath nor local: this node cannot mount it");
    }
    Path p = Path.of(path);
    try {
      if (pv.path("metadata").path("annotations").has(LoopVolumes.BACKING_FILE)) {
        p = loops.prepare(pv); // the claim's own filesystem mounted, or its device attached
      } else if (LoopVolumes.isBlock(pv)) {
        if (!Files.exists(p)) {
          throw new IOException("the block device does not exist"); // a hand-made Block PV names a device of the host
        }
      } else {
        Files.createDirectories(p);
      }
    } catch (IOException e) {
      throw new ConfigError("cannot prepare volume " + volumeName + " at " + p + ": " + e.getMessage());
    }
    return new Claim(p, managesOwnership(pv) && !LoopVolumes.isBlock(pv));
  }

  /**
   * Whether fsGroup applies to a persistent volume: upstream's local plugin applies it, its hostPath
   * plugin does not; the volumes Ordinal's own provisioner makes are hostPath PVs but its directories
   * alone, so they get it too (as CSI drivers for local disks do).
   */
  static boolean managesOwnership(JsonNode pv) {
    if (pv.path("spec").path("readOnly").asBoolean(false)) {
      return false;
    }
    return pv.path("spec").has("local")
        || LOCAL_PATH.equals(pv.path("metadata").path("annotations").path("pv.kubernetes.io/provisioned-by").asText());
  }

  /** The provisioner of the default StorageClass (controllers' DefaultStorageClass.PROVISIONER). */
  static final String LOCAL_PATH = "ordinal.dev/local-path";

  /** A file to project: its bytes and mode. */
  record FileContent(byte[] bytes, int mode) {}

  private Map<String, FileContent> projectedFiles(ObjectNode pod, JsonNode v, String podIp) throws ConfigError {
    if (v.has("configMap")) {
      return source(pod, v.path("configMap"), false, v.path("configMap").path("defaultMode").asInt(0644));
    }
    if (v.has("secret")) {
      JsonNode s = v.path("secret");
      ObjectNode ref = s.deepCopy();
      ref.put("name", s.path("secretName").asText());
      return source(pod, ref, true, s.path("defaultMode").asInt(0644));
    }
    if (v.has("downwardAPI")) {
      return downward(pod, v.path("downwardAPI").path("items"), v.path("downwardAPI").path("defaultMode").asInt(0644), podIp);
    }
    if (v.has("projected")) {
      int mode = v.path("projected").path("defaultMode").asInt(0644);
      Map<String, FileContent> all = new LinkedHashMap<>();
      for (JsonNode src : v.path("projected").path("sources")) {
        if (src.has("configMap")) {
          all.putAll(source(pod, src.path("configMap"), false, mode));
        } else if (src.has("secret")) {
          all.putAll(source(pod, src.path("secret"), true, mode));
        } else if (src.has("downwardAPI")) {
          all.putAll(downward(pod, src.path("downwardAPI").path("items"), mode, podIp));
        } else if (src.has("serviceAccountToken")) {
          JsonNode t = src.path("serviceAccountToken");
          String token = tokens.token(pod, t.path("audience").asText(""), t.path("expirationSeconds").asLong(3600),
              java.time.Instant.now());
          all.put(t.path("path").asText(), new FileContent(token.getBytes(StandardCharsets.UTF_8), mode));
        }
      }
      return all;
    }
    return null;
  }

  private Map<String, FileContent> source(ObjectNode pod, JsonNode ref, boolean secret, int mode) throws ConfigError {
    String name = ref.path("name").asText();
    Optional<ObjectNode> obj = secret ? resources.secret(Meta.namespace(pod), name) : resources.configMap(Meta.namespace(pod), name);
    if (obj.isEmpty()) {
      if (ref.path("optional").asBoolean(false)) {
        return Map.of();
      }
      throw new ConfigError((secret ? "secret" : "configmap") + " \"" + name + "\" not found");
    }
    Map<String, byte[]> data = new LinkedHashMap<>();
    obj.get().path("data").fields().forEachRemaining(f -> data.put(f.getKey(),
        secret ? Base64.getDecoder().decode(f.getValue().asText()) : f.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    if (!secret) {
      obj.get().path("binaryData").fields().forEachRemaining(f -> data.put(f.getKey(), Base64.getDecoder().decode(f.getValue().asText())));
    }
    Map<String, FileContent> out = new LinkedHashMap<>();
    if (ref.path("items").isEmpty()) {
      data.forEach((k, b) -> out.put(k, new FileContent(b, mode)));
      return out;
    }
    for (JsonNode item : ref.path("items")) {
      byte[] b = data.get(item.path("key").asText());
      if (b == null) {
        if (ref.path("optional").asBoolean(false)) {
          continue;
        }
        throw new ConfigError("configmap references non-existent config key: " + item.path("key").asText());
      }
      out.put(item.path("path").asText(), new FileContent(b, item.path("mode").asInt(mode)));
    }
    return out;
  }

  private static Map<String, FileContent> downward(ObjectNode pod, JsonNode items, int mode, String podIp) {
    Map<String, FileContent> out = new LinkedHashMap<>();
    for (JsonNode item : items) {
      String value = item.has("fieldRef") ? ContainerEnv.field(pod, item.path("fieldRef").path("fieldPath").asText(), podIp)
          : ResourceFields.value(pod, item.path("resourceFieldRef"));
      out.put(item.path("path").asText(), new FileContent(value.getBytes(StandardCharsets.UTF_8), item.path("mode").asInt(mode)));
    }
    return out;
  }

  /**
   * Writes the files (only those that changed) and removes the ones no longer projected. With an
   * fsGroup, each file is made group-readable and the group's before it appears, so a container
   * never sees it otherwise.
   */
  private static void writeFiles(Path dir, Map<String, FileContent> files, Long fsGroup) throws IOException {
    Files.createDirectories(dir);
    Set<Path> keep = new HashSet<>();
    for (var e : files.entrySet()) {
      Path f = dir.resolve(e.getKey()).normalize();
      if (!f.startsWith(dir)) {
        continue; // "../" in a path: never outside the volume
      }
      keep.add(f);
      Files.createDirectories(f.getParent());
      int mode = fsGroup == null ? e.getValue().mode() & 0777 : VolumeOwnership.mode(e.getValue().mode(), false, true);
      if (!Files.exists(f) || !java.util.Arrays.equals(Files.readAllBytes(f), e.getValue().bytes())) {
        Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
        Files.write(tmp, e.getValue().bytes());
        setOwnership(tmp, mode, fsGroup);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } else {
        setOwnership(f, mode, fsGroup);
      }
    }
    List<Path> stale = new ArrayList<>();
    try (var walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile).filter(p -> !keep.contains(p)).forEach(stale::add);
    }
    for (Path p : stale) {
      Files.deleteIfExists(p);
    }
  }

  /** Sets a file's mode (and group) where they differ, so that an unchanged file is never touched. */
  private static void setOwnership(Path f, int mode, Long fsGroup) throws IOException {
    Map<String, Object> now = Files.readAttributes(f, "unix:gid,mode");
    if (fsGroup != null && ((Number) now.get("gid")).longValue() != fsGroup) {
      Files.setAttribute(f, "unix:gid", fsGroup.intValue());
    }
    if (((Integer) now.get("mode") & 07777) != mode) {
      Files.setAttribute(f, "unix:mode", mode);
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = new HashSet<>();
    PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        out.add(order[i]);
      }
    }
    return out;
  }

  private static String bytes(String quantity) {
    return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(quantity))
        .toBigInteger().toString();
  }
}
