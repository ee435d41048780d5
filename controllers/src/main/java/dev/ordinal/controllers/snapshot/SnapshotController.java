package dev.ordinal.controllers.snapshot;

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
import dev.ordinal.controllers.snapshot.SnapshotAction.BindContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.ClaimFinalizer;
import dev.ordinal.controllers.snapshot.SnapshotAction.ContentFinalizers;
import dev.ordinal.controllers.snapshot.SnapshotAction.ContentStatus;
import dev.ordinal.controllers.snapshot.SnapshotAction.CreateContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.DeleteContent;
import dev.ordinal.controllers.snapshot.SnapshotAction.DeleteData;
import dev.ordinal.controllers.snapshot.SnapshotAction.Event;
import dev.ordinal.controllers.snapshot.SnapshotAction.SnapshotFinalizers;
import dev.ordinal.controllers.snapshot.SnapshotAction.SnapshotStatus;
import dev.ordinal.controllers.snapshot.SnapshotAction.TakeSnapshot;
import dev.ordinal.controllers.volume.RestoreSource;
import dev.ordinal.controllers.volume.VolumeBacking;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Applies {@link SnapshotPlanner}'s plans: VolumeSnapshots and VolumeSnapshotContents kept by
 * informers, one queue for both ({@code s:ns/name}, {@code c:name}), the copies taken through the
 * node's {@link VolumeBacking} (frozen while they are taken). Every write reads the object again
 * and fails on a conflict, so the queue's retry starts from what is stored.
 */
public final class SnapshotController implements AutoCloseable {
  private final Client client;
  private final VolumeBacking backing;
  private final String nodeName;
  private final EventRecorder events;
  private final Informer snapshots;
  private final Informer contents;
  private final Informer claims;
  private final Informer classes;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  public SnapshotController(Client client, VolumeBacking backing, String nodeName) {
    this.client = client;
    this.backing = backing;
    this.nodeName = nodeName;
    this.events = new EventRecorder(client, "snapshot-controller");
    this.snapshots = new Informer(client, Types.VOLUME_SNAPSHOTS).onChange((o, vs, deleted) -> {
      if (!deleted) {
        queue.add("s:" + Informer.key(vs));
      }
      queue.add("c:" + SnapshotPlanner.contentFor(vs));
    });
    this.contents = new Informer(client, Types.VOLUME_SNAPSHOT_CONTENTS).onChange((o, c, deleted) -> {
      if (!deleted) {
        queue.add("c:" + Meta.name(c));
      }
      var ref = c.path("spec").path("volumeSnapshotRef");
      if (!ref.path("name").asText("").isEmpty()) {
        queue.add("s:" + ref.path("namespace").asText() + "/" + ref.path("name").asText());
      }
    });
    // a claim bound (a snapshot waiting for it), restored (a deletion waiting for it) or gone
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS).onChange((o, pvc, deleted) -> {
      for (ObjectNode vs : snapshots.inNamespace(Meta.namespace(pvc))) {
        String source = vs.path("spec").path("source").path("persistentVolumeClaimName").asText("");
        if (source.equals(Meta.name(pvc)) || RestoreSource.snapshotName(pvc).orElse("").equals(Meta.name(vs))) {
          queue.add("s:" + Informer.key(vs));
        }
      }
    });
    this.classes = new Informer(client, Types.VOLUME_SNAPSHOT_CLASSES).onChange((o, c, deleted) -> {
      for (ObjectNode vs : snapshots.all()) {
        if (vs.path("status").path("boundVolumeSnapshotContentName").asText("").isEmpty()) {
          queue.add("s:" + Informer.key(vs));
        }
      }
    });
    this.worker = new Worker("snapshot-controller", queue, this::sync, 2);
  }

  public void start() {
    classes.start();
    claims.start();
    contents.start();
    snapshots.start();
    worker.start();
  }

  Optional<Duration> sync(String key) throws InterruptedException {
    if (!classes.awaitSynced(10, java.util.concurrent.TimeUnit.SECONDS)
        || !claims.awaitSynced(10, java.util.concurrent.TimeUnit.SECONDS)
        || !snapshots.awaitSynced(10, java.util.concurrent.TimeUnit.SECONDS)) {
      return Optional.of(Duration.ofSeconds(1));
    }
    return key.startsWith("s:") ? syncSnapshot(key.substring(2)) : syncContent(key.substring(2));
  }

  private Optional<Duration> syncSnapshot(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode vs = client.find(Types.VOLUME_SNAPSHOTS, ns, name).orElse(null);
    if (vs == null) {
      return Optional.empty();
    }
    ObjectNode content = client.find(Types.VOLUME_SNAPSHOT_CONTENTS, null, SnapshotPlanner.contentFor(vs)).orElse(null);
    String claimName = vs.path("spec").path("source").path("persistentVolumeClaimName").asText("");
    ObjectNode claim = claimName.isEmpty() ? null : client.find(Types.PERSISTENT_VOLUME_CLAIMS, ns, claimName).orElse(null);
    String pvName = claim == null ? "" : claim.path("spec").path("volumeName").asText("");
    ObjectNode pv = pvName.isEmpty() ? null : client.find(Types.PERSISTENT_VOLUMES, null, pvName).orElse(null);
    boolean restoring = claims.inNamespace(ns).stream().anyMatch(c -> !Meta.isDeleting(c)
        && c.path("spec").path("volumeName").asText("").isEmpty() && RestoreSource.snapshotName(c).orElse("").equals(name));
    SnapshotPlanner.Plan plan = SnapshotPlanner.snapshot(
        new SnapshotPlanner.SnapshotView(vs, content, claim, pv, classes.all(), restoring), Instant.now());
    apply(vs, plan.actions());
    return plan.requeue();
  }

  private Optional<Duration> syncContent(String name) {
    ObjectNode c = client.find(Types.VOLUME_SNAPSHOT_CONTENTS, null, name).orElse(null);
    if (c == null) {
      return Optional.empty();
    }
    var ref = c.path("spec").path("volumeSnapshotRef");
    ObjectNode vs = ref.path("name").asText("").isEmpty() ? null
        : client.find(Types.VOLUME_SNAPSHOTS, ref.path("namespace").asText(), ref.path("name").asText()).orElse(null);
    String volume = c.path("spec").path("source").path("volumeHandle").asText("");
    ObjectNode pv = volume.isEmpty() ? null : client.find(Types.PERSISTENT_VOLUMES, null, volume).orElse(null);
    String given = c.path("spec").path("source").path("snapshotHandle").asText("");
    boolean exists = !given.isEmpty() && backing.snapshotExists(given);
    SnapshotPlanner.Plan plan = SnapshotPlanner.content(new SnapshotPlanner.ContentView(c, vs, pv, exists, nodeName), Instant.now());
    try {
      apply(c, plan.actions());
    } catch (SnapshotFailed e) {
      return Optional.of(Duration.ofSeconds(10));
    }
    return plan.requeue();
  }

  /** A copy or a removal of snapshot data failed; recorded on the content, retried later. */
  private static final class SnapshotFailed extends RuntimeException {
    SnapshotFailed(Throwable cause) {
      super(cause);
    }
  }

  private void apply(ObjectNode about, List<SnapshotAction> actions) {
    for (SnapshotAction a : actions) {
      switch (a) {
        case SnapshotFinalizers f -> {
          ObjectNode vs = client.get(Types.VOLUME_SNAPSHOTS, Meta.namespace(about), Meta.name(about));
          Meta.setFinalizers(vs, f.finalizers());
          client.update(Types.VOLUME_SNAPSHOTS, vs);
        }
        case SnapshotAction.SnapshotClassName c -> {
          ObjectNode vs = client.get(Types.VOLUME_SNAPSHOTS, Meta.namespace(about), Meta.name(about));
          vs.with("spec").put("volumeSnapshotClassName", c.name());
          client.update(Types.VOLUME_SNAPSHOTS, vs);
        }
        case ClaimFinalizer f -> claimFinalizer(f);
        case CreateContent c -> {
          try {
            client.create(Types.VOLUME_SNAPSHOT_CONTENTS, null, c.content());
          } catch (ApiException e) {
            if (e.code() != 409) {
              throw e;
            }
          }
        }
        case BindContent b -> {
          ObjectNode c = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, b.content());
          c.with("spec").with("volumeSnapshotRef").put("uid", b.snapshotUid());
          client.update(Types.VOLUME_SNAPSHOT_CONTENTS, c);
        }
        case SnapshotStatus s -> {
          ObjectNode vs = client.get(Types.VOLUME_SNAPSHOTS, Meta.namespace(about), Meta.name(about));
          vs.set("status", s.status());
          client.updateStatus(Types.VOLUME_SNAPSHOTS, vs);
        }
        case DeleteContent d -> {
          try {
            client.delete(Types.VOLUME_SNAPSHOT_CONTENTS, null, d.content(), DeleteOptions.DEFAULT);
          } catch (ApiException e) {
            if (e.code() != 404) {
              throw e;
            }
          }
        }
        case ContentFinalizers f -> {
          ObjectNode c = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, Meta.name(about));
          Meta.setFinalizers(c, f.finalizers());
          client.update(Types.VOLUME_SNAPSHOT_CONTENTS, c);
        }
        case TakeSnapshot t -> take(about, t.pv());
        case ContentStatus s -> {
          ObjectNode c = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, Meta.name(about));
          c.set("status", s.status());
          client.updateStatus(Types.VOLUME_SNAPSHOT_CONTENTS, c);
        }
        case DeleteData d -> {
          try {
            backing.deleteSnapshot(d.handle());
          } catch (IOException e) {
            events.warning(about, "SnapshotDeleteError", "Failed to delete snapshot: " + e.getMessage());
            throw new SnapshotFailed(e);
          }
        }
        case Event e -> {
          if (e.type().equals("Warning")) {
            events.warning(about, e.reason(), e.message());
          } else {
            events.normal(about, e.reason(), e.message());
          }
        }
      }
    }
  }

  /** The copy itself: the volume frozen and copied by the backing, then the content marked ready. */
  private void take(ObjectNode content, String pvName) {
    ObjectNode pv = client.get(Types.PERSISTENT_VOLUMES, null, pvName);
    VolumeBacking.Copy copy;
    try {
      copy = backing.snapshot(pv, Meta.name(content));
    } catch (IOException | RuntimeException e) {
      ObjectNode c = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, Meta.name(content));
      c.with("status").put("readyToUse", false).putObject("error").put("message", "failed to take snapshot of the volume "
          + pvName + ": " + e.getMessage()).put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      client.updateStatus(Types.VOLUME_SNAPSHOT_CONTENTS, c);
      events.warning(content, "SnapshotCreationFailed", "Failed to create snapshot: " + e.getMessage());
      throw new SnapshotFailed(e);
    }
    ObjectNode c = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, Meta.name(content));
    c.set("status", SnapshotPlanner.takenStatus(copy.handle(), copy.bytes(), Instant.now()));
    client.updateStatus(Types.VOLUME_SNAPSHOT_CONTENTS, c);
  }

  /**
   * Adds or removes {@code pvc-as-source-protection}; removed only once no other snapshot of the
   * claim is still being taken (upstream's isPVCBeingUsed).
   */
  private void claimFinalizer(ClaimFinalizer f) {
    ObjectNode claim = client.find(Types.PERSISTENT_VOLUME_CLAIMS, f.namespace(), f.claim()).orElse(null);
    if (claim == null) {
      return;
    }
    List<String> finalizers = new java.util.ArrayList<>(Meta.finalizers(claim));
    if (f.present() == finalizers.contains(SnapshotPlanner.PVC_AS_SOURCE)) {
      return;
    }
    if (f.present()) {
      finalizers.add(SnapshotPlanner.PVC_AS_SOURCE);
    } else {
      boolean inUse = snapshots.inNamespace(f.namespace()).stream().anyMatch(vs -> !Meta.isDeleting(vs)
          && vs.path("spec").path("source").path("persistentVolumeClaimName").asText("").equals(f.claim())
          && !vs.path("status").path("readyToUse").asBoolean(false)
          && client.find(Types.VOLUME_SNAPSHOT_CONTENTS, null, SnapshotPlanner.contentFor(vs))
              .map(c -> !c.path("status").path("readyToUse").asBoolean(false)).orElse(false));
      if (inUse) {
        return;
      }
      finalizers.remove(SnapshotPlanner.PVC_AS_SOURCE);
    }
    Meta.setFinalizers(claim, finalizers);
    client.update(Types.PERSISTENT_VOLUME_CLAIMS, claim);
  }

  @Override
  public void close() {
    worker.close();
    snapshots.close();
    contents.close();
    claims.close();
    classes.close();
  }
}
