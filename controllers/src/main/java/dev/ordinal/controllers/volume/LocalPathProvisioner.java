package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Provisions claims of classes whose provisioner is {@code ordinal.dev/local-path}: a directory
 * per claim under the data directory and a PersistentVolume pinned to the node, pre-bound to the
 * claim. With {@code WaitForFirstConsumer} it waits until the scheduler names the node. A claim
 * that a volume already exists for (one pre-bound to it by hand, or an Available one that fits)
 * is left to the binder, as upstream prefers static volumes to new ones.
 */
public final class LocalPathProvisioner implements AutoCloseable {
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

  private final Client client;
  private final String nodeName;
  private final Path root;
  private final EventRecorder events;
  private final Informer claims;
  private final Informer volumes;
  private final VolumeIndex index = new VolumeIndex();
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  public LocalPathProvisioner(Client client, String nodeName, Path volumesRoot) {
    this.client = client;
    this.nodeName = nodeName;
    this.root = volumesRoot.toAbsolutePath().normalize();
    this.events = new EventRecorder(client, DefaultStorageClass.PROVISIONER);
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS).onChange((o, c, deleted) -> {
      if (!deleted) {
        queue.add(Informer.key(c));
      }
    });
    this.volumes = new Informer(client, Types.PERSISTENT_VOLUMES).onChange((o, v, deleted) -> index.observe(o, v, deleted));
    // claims are provisioned concurrently: a volume is named for its claim's uid, so a claim is
    // never provisioned twice
    this.worker = new Worker("local-path-provisioner", queue, this::provision, 4);
  }

  public void start() {
    volumes.start();
    claims.start();
    worker.start();
  }

  Optional<Duration> provision(String key) throws IOException, InterruptedException {
    String ns = key.substring(0, key.indexOf('/'));
    ObjectNode claim = client.find(Types.PERSISTENT_VOLUME_CLAIMS, ns, key.substring(key.indexOf('/') + 1)).orElse(null);
    if (claim == null || Meta.isDeleting(claim) || !claim.path("spec").path("volumeName").asText("").isEmpty()) {
      return Optional.empty();
    }
    String className = claim.path("spec").path("storageClassName").asText("");
    ObjectNode sc = className.isEmpty() ? null : client.find(Types.STORAGE_CLASSES, null, className).orElse(null);
    if (sc == null || !sc.path("provisioner").asText().equals(DefaultStorageClass.PROVISIONER)) {
      return Optional.empty();
    }
    String node = nodeName;
    if (sc.path("volumeBindingMode").asText("Immediate").equals("WaitForFirstConsumer")) {
      node = Meta.annotations(claim).getOrDefault(SELECTED_NODE, "");
      if (node.isEmpty()) {
        return Optional.empty();
      }
    }
    if (!volumes.awaitSynced(10, TimeUnit.SECONDS)) {
      return Optional.of(Duration.ofSeconds(1));
    }
    if (VolumeMatching.volumeFor(claim, index.candidatesFor(claim, pv -> volumes.get(null, pv))).isPresent()) {
      // the binder binds it (this includes the volume an earlier pass made); looked at again in case
      // another claim takes it first
      return Optional.of(Duration.ofSeconds(2));
    }
    String pvName = "pvc-" + Meta.uid(claim);
    if (client.find(Types.PERSISTENT_VOLUMES, null, pvName).isPresent()) {
      return Optional.empty();
    }
    Path dir = root.resolve(pvName);
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    try {
      client.create(Types.PERSISTENT_VOLUMES, null, volume(claim, sc, pvName, dir, node));
    } catch (ApiException e) {
      if (e.code() == 409) {
        return Optional.empty(); // an earlier pass for the same claim made it
      }
      throw e;
    }
    events.normal(claim, "ProvisioningSucceeded", "Successfully provisioned volume " + pvName);
    return Optional.empty();
  }

  private static ObjectNode volume(ObjectNode claim, ObjectNode sc, String name, Path dir, String node) {
    ObjectNode pv = Json.object();
    pv.put("apiVersion", "v1").put("kind", "PersistentVolume");
    pv.putObject("metadata").put("name", name).putObject("annotations").put(PROVISIONED_BY, DefaultStorageClass.PROVISIONER);
    ObjectNode spec = pv.putObject("spec");
    spec.putObject("capacity").put("storage", claim.path("spec").path("resources").path("requests").path("storage").asText("1Gi"));
    spec.set("accessModes", claim.path("spec").path("accessModes").deepCopy());
    spec.put("storageClassName", Meta.name(sc));
    spec.put("persistentVolumeReclaimPolicy", sc.path("reclaimPolicy").asText("Delete"));
    spec.put("volumeMode", claim.path("spec").path("volumeMode").asText("Filesystem"));
    spec.putObject("hostPath").put("path", dir.toString()).put("type", "DirectoryOrCreate");
    spec.putObject("claimRef").put("kind", "PersistentVolumeClaim").put("apiVersion", "v1")
        .put("namespace", Meta.namespace(claim)).put("name", Meta.name(claim)).put("uid", Meta.uid(claim));
    ObjectNode term = spec.putObject("nodeAffinity").putObject("required").putArray("nodeSelectorTerms").addObject();
    term.putArray("matchExpressions").addObject().put("key", "kubernetes.io/hostname").put("operator", "In")
        .putArray("values").add(node);
    return pv;
  }

  /**
   * Deletes the data of a volume this provisioner made; false for volumes it did not make (their
   * Delete policy cannot be carried out). Never touches paths outside the volumes root.
   */
  public boolean deleteVolume(ObjectNode pv) {
    if (!DefaultStorageClass.PROVISIONER.equals(Meta.annotations(pv).get(PROVISIONED_BY))) {
      return false;
    }
    Path dir = Path.of(pv.path("spec").path("hostPath").path("path").asText("/nonexistent")).toAbsolutePath().normalize();
    if (!dir.startsWith(root) || dir.equals(root)) {
      return false;
    }
    try (Stream<Path> walk = Files.exists(dir) ? Files.walk(dir) : Stream.empty()) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  @Override
  public void close() {
    worker.close();
    claims.close();
    volumes.close();
  }

}
