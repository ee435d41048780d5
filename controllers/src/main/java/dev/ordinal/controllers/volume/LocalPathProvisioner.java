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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Provisions claims of classes whose provisioner is {@code ordinal.dev/local-path}: a directory
 * per claim under the data directory and a PersistentVolume pinned to the node, pre-bound to the
 * claim. With {@code WaitForFirstConsumer} it waits until the scheduler names the node. A claim
 * that a volume already exists for (one pre-bound to it by hand, or an Available one that fits)
 * is left to the binder, as upstream prefers static volumes to new ones. A claim whose
 * {@code dataSource}/{@code dataSourceRef} names a VolumeSnapshot gets a volume holding the
 * snapshot's data ({@link RestoreSource}), as external-provisioner does for a CSI driver.
 */
public final class LocalPathProvisioner implements AutoCloseable {
  static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

  private final Client client;
  private final String nodeName;
  private final VolumeBacking backing;
  private final EventRecorder events;
  private final Informer claims;
  private final Informer volumes;
  private final VolumeIndex index = new VolumeIndex();
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  /** Directories without capacity, as the simulated runtime's node has ({@link DirectoryBacking}). */
  public LocalPathProvisioner(Client client, String nodeName, Path volumesRoot) {
    this(client, nodeName, new DirectoryBacking(volumesRoot));
  }

  public LocalPathProvisioner(Client client, String nodeName, VolumeBacking backing) {
    this.client = client;
    this.nodeName = nodeName;
    this.backing = backing;
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
    String size = claim.path("spec").path("resources").path("requests").path("storage").asText("1Gi");
    boolean block = claim.path("spec").path("volumeMode").asText("Filesystem").equals("Block");
    VolumeBacking.Made made;
    Optional<RestoreSource.Source> restore;
    try {
      restore = RestoreSource.of(client, claim);
    } catch (RestoreSource.NotReady e) {
      events.warning(claim, "ProvisioningFailed", "failed to provision volume with StorageClass \"" + Meta.name(sc) + "\": "
          + e.getMessage());
      return Optional.of(e.retryAfter());
    }
    try {
      made = restore.isPresent() ? backing.restore(pvName, restore.get().handle(), Quantities.bytes(size), block)
          : backing.create(pvName, Quantities.bytes(size), block);
    } catch (IOException e) {
      events.warning(claim, "ProvisioningFailed", "failed to provision volume with StorageClass \"" + Meta.name(sc) + "\": "
          + e.getMessage());
      return Optional.of(Duration.ofSeconds(10));
    }
    try {
      client.create(Types.PERSISTENT_VOLUMES, null, volume(claim, sc, pvName, made, node));
    } catch (ApiException e) {
      if (e.code() == 409) {
        return Optional.empty(); // an earlier pass for the same claim made it
      }
      throw e;
    }
    events.normal(claim, "ProvisioningSucceeded", "Successfully provisioned volume " + pvName);
    return Optional.empty();
  }

  private static ObjectNode volume(ObjectNode claim, ObjectNode sc, String name, VolumeBacking.Made made, String node) {
    ObjectNode pv = Json.object();
    pv.put("apiVersion", "v1").put("kind", "PersistentVolume");
    ObjectNode annotations = pv.putObject("metadata").put("name", name).putObject("annotations");
    annotations.put(PROVISIONED_BY, DefaultStorageClass.PROVISIONER);
    made.annotations().forEach(annotations::put);
    ObjectNode spec = pv.putObject("spec");
    spec.putObject("capacity").put("storage", claim.path("spec").path("resources").path("requests").path("storage").asText("1Gi"));
    spec.set("accessModes", claim.path("spec").path("accessModes").deepCopy());
    spec.put("storageClassName", Meta.name(sc));
    spec.put("persistentVolumeReclaimPolicy", sc.path("reclaimPolicy").asText("Delete"));
    spec.put("volumeMode", claim.path("spec").path("volumeMode").asText("Filesystem"));
    boolean block = spec.path("volumeMode").asText().equals("Block");
    spec.putObject("hostPath").put("path", made.path()).put("type", block ? "File" : "DirectoryOrCreate");
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
    try {
      return backing.delete(pv);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What holds this provisioner's volumes on the host (the expander grows them through it). */
  public VolumeBacking backing() {
    return backing;
  }

  @Override
  public void close() {
    worker.close();
    claims.close();
    volumes.close();
  }

}
