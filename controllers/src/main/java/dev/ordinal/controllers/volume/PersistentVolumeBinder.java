package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' PersistentVolume controller: binds claims to volumes (both sides: the volume's
 * claimRef, the claim's volumeName and phases), makes new volumes Available, and reclaims volumes
 * whose claim is gone — Retain keeps them Released, Delete removes provisioned ones (and their
 * data), and fails for volumes no provisioner can delete, as upstream does.
 */
public final class PersistentVolumeBinder implements AutoCloseable {
  private final Client client;
  private final LocalPathProvisioner provisioner;
  private final EventRecorder events;
  private final Informer claims;
  private final Informer volumes;
  private final VolumeIndex index = new VolumeIndex();
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  public PersistentVolumeBinder(Client client, LocalPathProvisioner provisioner) {
    this.client = client;
    this.provisioner = provisioner;
    this.events = new EventRecorder(client, "persistentvolume-controller");
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS).onChange((o, c, deleted) -> {
      queue.add("claim/" + Informer.key(c));
      volumesOf(c).forEach(v -> queue.add("volume/" + v));
    });
    this.volumes = new Informer(client, Types.PERSISTENT_VOLUMES).onChange((o, v, deleted) -> {
      index.observe(o, v, deleted);
      queue.add("volume/" + Meta.name(v));
      String ns = v.path("spec").path("claimRef").path("namespace").asText("");
      if (!ns.isEmpty()) {
        queue.add("claim/" + ns + "/" + v.path("spec").path("claimRef").path("name").asText());
      } else if (!deleted) {
        // a volume free for anyone (new, or a Released one whose claimRef an admin cleared): the
        // claims still waiting get another look; upstream finds them by resyncing every 15 s
        unboundClaims().forEach(k -> queue.add("claim/" + k));
      }
    });
    // claims bind concurrently (each bind is four writes, and a big StatefulSet's claims wait on
    // them); two claims choosing the same volume meet in its resourceVersion, and a claim's and its
    // volume's passes racing on the volume's status meet there too (the loser is retried)
    this.worker = new Worker("pv-binder", queue, this::sync, 2);
  }

  public void start() {
    claims.start();
    volumes.start();
    worker.start();
  }

  private List<String> unboundClaims() {
    return claims.all().stream()
        .filter(c -> c.path("spec").path("volumeName").asText("").isEmpty() && !Meta.isDeleting(c))
        .map(Informer::key)
        .toList();
  }

  private List<String> volumesOf(ObjectNode claim) {
    String v = claim.path("spec").path("volumeName").asText("");
    return v.isEmpty() ? List.of() : List.of(v);
  }

  Optional<Duration> sync(String key) {
    if (key.startsWith("claim/")) {
      String rest = key.substring(6);
      return syncClaim(rest.substring(0, rest.indexOf('/')), rest.substring(rest.indexOf('/') + 1));
    }
    return syncVolume(key.substring(7));
  }

  private Optional<Duration> syncClaim(String ns, String name) {
    ObjectNode claim = client.find(Types.PERSISTENT_VOLUME_CLAIMS, ns, name).orElse(null);
    if (claim == null || Meta.isDeleting(claim)) {
      return Optional.empty();
    }
    String bound = claim.path("spec").path("volumeName").asText("");
    String phase = claim.path("status").path("phase").asText("");
    if (!bound.isEmpty() && phase.equals("Bound")) {
      if (client.find(Types.PERSISTENT_VOLUMES, null, bound).isEmpty()) {
        claim.with("status").put("phase", "Lost");
        client.updateStatus(Types.PERSISTENT_VOLUME_CLAIMS, claim);
        events.warning(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
      }
      return Optional.empty();
    }
    Optional<ObjectNode> pv = VolumeMatching.volumeFor(claim, index.candidatesFor(claim, pvName -> volumes.get(null, pvName)));
    if (pv.isEmpty()) {
      return Optional.empty();
    }
    bind(claim, pv.get());
    return Optional.empty();
  }

  private void bind(ObjectNode claim, ObjectNode pv) {
    ObjectNode volume = client.get(Types.PERSISTENT_VOLUMES, null, Meta.name(pv));
    JsonNode taken = volume.path("spec").path("claimRef");
    if (!taken.isMissingNode() && !(taken.path("namespace").asText().equals(Meta.namespace(claim))
        && taken.path("name").asText().equals(Meta.name(claim))
        && taken.path("uid").asText(Meta.uid(claim)).equals(Meta.uid(claim)))) {
      // bound to another claim since the informer looked: this claim gets another look
      throw ApiException.conflict(Types.PERSISTENT_VOLUMES, Meta.name(pv), "bound to another claim meanwhile");
    }
    if (taken.isMissingNode() || taken.path("uid").asText("").isEmpty()) {
      ObjectNode ref = volume.with("spec").putObject("claimRef");
      ref.put("kind", "PersistentVolumeClaim").put("apiVersion", "v1").put("namespace", Meta.namespace(claim))
          .put("name", Meta.name(claim)).put("uid", Meta.uid(claim)).put("resourceVersion", Meta.resourceVersion(claim));
      volume = client.update(Types.PERSISTENT_VOLUMES, volume);
    } // else pre-bound to this very claim (a provisioned volume): nothing to write on the spec
    volume.with("status").put("phase", "Bound");
    client.updateStatus(Types.PERSISTENT_VOLUMES, volume);

    ObjectNode c = client.get(Types.PERSISTENT_VOLUME_CLAIMS, Meta.namespace(claim), Meta.name(claim));
    c.with("spec").put("volumeName", Meta.name(pv));
    Meta.of(c).with("annotations").put("pv.kubernetes.io/bind-completed", "yes");
    c = client.update(Types.PERSISTENT_VOLUME_CLAIMS, c);
    ObjectNode status = c.with("status");
    status.put("phase", "Bound");
    status.set("accessModes", pv.path("spec").path("accessModes").deepCopy());
    status.putObject("capacity").put("storage", pv.path("spec").path("capacity").path("storage").asText());
    client.updateStatus(Types.PERSISTENT_VOLUME_CLAIMS, c);
  }

  private Optional<Duration> syncVolume(String name) {
    ObjectNode pv = client.find(Types.PERSISTENT_VOLUMES, null, name).orElse(null);
    if (pv == null || Meta.isDeleting(pv)) {
      return Optional.empty();
    }
    String phase = pv.path("status").path("phase").asText("");
    var ref = pv.path("spec").path("claimRef");
    if (ref.isMissingNode()) {
      if (!phase.equals("Available")) {
        pv.with("status").put("phase", "Available");
        client.updateStatus(Types.PERSISTENT_VOLUMES, pv);
      }
      return Optional.empty();
    }
    Optional<ObjectNode> claim = client.find(Types.PERSISTENT_VOLUME_CLAIMS, ref.path("namespace").asText(), ref.path("name").asText());
    boolean claimGone = claim.isEmpty() || (!ref.path("uid").asText("").isEmpty() && !Meta.uid(claim.get()).equals(ref.path("uid").asText()));
    if (!claimGone) {
      boolean claimWaits = claim.get().path("spec").path("volumeName").asText("").isEmpty();
      if ((phase.isEmpty() || phase.equals("Pending")) && !claimWaits) {
        // (a volume pre-bound to a claim that waits for it goes straight to Bound with the claim's sync)
        pv.with("status").put("phase", "Available");
        client.updateStatus(Types.PERSISTENT_VOLUMES, pv);
      }
      return Optional.empty();
    }
    if (!phase.equals("Bound")) {
      return Optional.empty(); // pre-bound to a claim that does not exist yet, or already reclaimed
    }
    reclaim(pv);
    return Optional.empty();
  }

  private void reclaim(ObjectNode pv) {
    String policy = pv.path("spec").path("persistentVolumeReclaimPolicy").asText("Retain");
    if (policy.equals("Delete")) {
      if (provisioner.deleteVolume(pv)) {
        try {
          client.delete(Types.PERSISTENT_VOLUMES, null, Meta.name(pv), DeleteOptions.DEFAULT);
        } catch (ApiException e) {
          if (e.code() != 404) {
            throw e;
          }
        }
        return;
      }
      pv.with("status").put("phase", "Failed").put("message", "error getting deleter volume plugin for volume \""
          + Meta.name(pv) + "\": no deletable volume plugin matched");
      client.updateStatus(Types.PERSISTENT_VOLUMES, pv);
      events.warning(pv, "VolumeFailedDelete", "no deletable volume plugin matched");
      return;
    }
    pv.with("status").put("phase", "Released");
    client.updateStatus(Types.PERSISTENT_VOLUMES, pv);
  }

  @Override
  public void close() {
    worker.close();
    claims.close();
    volumes.close();
  }
}
