package dev.ordinal.controllers.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.controllers.runtime.StatusWrites;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.deployment.DeploymentAction.CreateReplicaSet;
import dev.ordinal.controllers.deployment.DeploymentAction.DeleteReplicaSet;
import dev.ordinal.controllers.deployment.DeploymentAction.ScaleReplicaSet;
import dev.ordinal.controllers.deployment.DeploymentAction.SetRevision;
import dev.ordinal.controllers.deployment.DeploymentAction.UpdateReplicaSet;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.pods.ControllerRefs;
import dev.ordinal.controllers.replicaset.ReplicaSetKind;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Deployment controller: informers on Deployments, ReplicaSets and pods feed a queue of
 * Deployment keys; each sync claims the Deployment's ReplicaSets (adoption and release by
 * selector and controller reference), lets {@link DeploymentPlanner} decide, applies its writes
 * in order and writes the status. The ReplicaSet controller makes the pods.
 */
public final class DeploymentController implements AutoCloseable {
  private final Client client;
  private final Informer deployments;
  private final Informer replicaSets;
  private final Informer pods;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final EventRecorder events;

  public DeploymentController(Client client) {
    this.client = client;
    this.events = new EventRecorder(client, "deployment-controller");
    this.deployments = new Informer(client, Types.DEPLOYMENTS).onChange((old, cur, deleted) -> queue.add(Informer.key(cur)));
    this.replicaSets = new Informer(client, Types.REPLICA_SETS).onChange(this::replicaSetChanged);
    // Recreate waits for the old pods to be gone; their deletion is what it waits for
    this.pods = new Informer(client, Types.PODS).onChange((old, pod, deleted) -> {
      if (deleted) {
        ObjectNode rsRef = ControllerRefs.controllerOf(pod);
        if (rsRef != null && rsRef.path("kind").asText().equals("ReplicaSet")) {
          replicaSets.get(Meta.namespace(pod), rsRef.path("name").asText()).map(this::ownerKey).ifPresent(queue::add);
        }
      }
    });
    this.worker = new Worker("deployment", queue, this::sync, 2);
  }

  public void start() {
    deployments.start();
    replicaSets.start();
    pods.start();
    worker.start();
  }

  private void replicaSetChanged(ObjectNode old, ObjectNode rs, boolean deleted) {
    String owner = ownerKey(rs);
    if (owner != null) {
      queue.add(owner);
    }
    String oldOwner = old == null ? null : ownerKey(old);
    if (oldOwner != null && !oldOwner.equals(owner)) {
      queue.add(oldOwner);
    }
    if (owner == null && !deleted) {
      for (ObjectNode d : deployments.inNamespace(Meta.namespace(rs))) {
        if (selector(d).matches(Meta.labels(rs))) {
          queue.add(Informer.key(d));
        }
      }
    }
  }

  private String ownerKey(ObjectNode rs) {
    ObjectNode ref = ControllerRefs.controllerOf(rs);
    if (ref == null || !ref.path("kind").asText().equals("Deployment")) {
      return null;
    }
    return Informer.key(Meta.namespace(rs), ref.path("name").asText());
  }

  private static LabelSelector selector(ObjectNode d) {
    return ReplicaSetKind.REPLICA_SET.selector(d);
  }

  Optional<Duration> sync(String key) throws InterruptedException {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode d = deployments.get(ns, name).orElse(null);
    if (d == null) {
      return Optional.empty();
    }
    LabelSelector selector = selector(d);
    if (selector.isEmpty()) {
      events.warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
      return Optional.empty();
    }
    List<ObjectNode> owned = claimReplicaSets(d, selector);
    Set<String> uids = new HashSet<>();
    owned.forEach(rs -> uids.add(Meta.uid(rs)));
    List<ObjectNode> ownedPods = new ArrayList<>();
    for (ObjectNode p : pods.inNamespace(ns)) {
      ObjectNode ref = ControllerRefs.controllerOf(p);
      if (ref != null && uids.contains(ref.path("uid").asText())) {
        ownedPods.add(p);
      }
    }
    DeploymentPlanner.Plan plan = DeploymentPlanner.plan(new DeploymentPlanner.Observed(d, owned, ownedPods, Instant.now()));
    ObjectNode status = plan.status();
    for (DeploymentAction a : plan.actions()) {
      if (!apply(d, a, status)) {
        writeStatus(d, status);
        throw new IllegalStateException("hash collision for " + key); // requeued with the new collisionCount
      }
    }
    writeStatus(d, status);
    return plan.requeue();
  }

  /** Applies one write; false when the new ReplicaSet's name is taken by another (a hash collision). */
  private boolean apply(ObjectNode d, DeploymentAction action, ObjectNode status) {
    String ns = Meta.namespace(d);
    switch (action) {
      case CreateReplicaSet c -> {
        try {
          client.create(Types.REPLICA_SETS, ns, c.replicaSet());
        } catch (ApiException e) {
          if (e.code() != 409) {
            events.warning(d, "FailedCreate", "Failed to create new replica set \"" + Meta.name(c.replicaSet()) + "\": " + e.getMessage());
            throw e;
          }
          ObjectNode existing = client.get(Types.REPLICA_SETS, ns, Meta.name(c.replicaSet()));
          if (ControllerRefs.isControlledBy(existing, Meta.uid(d))
              && ReplicaSets.sameTemplate(existing.path("spec").path("template"), d.path("spec").path("template"))) {
            return true; // ours, from a pass whose cache did not have it yet
          }
          status.put("collisionCount", status.path("collisionCount").asLong(0) + 1);
          return false;
        }
        int size = ReplicaSets.replicas(c.replicaSet());
        if (size > 0) {
          events.normal(d, "ScalingReplicaSet", "Scaled up replica set " + Meta.name(c.replicaSet()) + " from 0 to " + size);
        }
      }
      case ScaleReplicaSet s -> {
        patchReplicaSet(s.replicaSet());
        events.normal(d, "ScalingReplicaSet", "Scaled " + (s.to() > s.from() ? "up" : "down") + " replica set "
            + Meta.name(s.replicaSet()) + " from " + s.from() + " to " + s.to());
      }
      case UpdateReplicaSet u -> patchReplicaSet(u.replicaSet());
      case DeleteReplicaSet del -> {
        try {
          client.delete(Types.REPLICA_SETS, ns, Meta.name(del.replicaSet()),
              new DeleteOptions(null, null, Meta.uid(del.replicaSet()), null, false));
        } catch (ApiException e) {
          if (e.code() != 404 && e.code() != 409) {
            throw e;
          }
        }
      }
      case SetRevision r -> {
        ObjectNode patch = Json.object();
        patch.putObject("metadata").putObject("annotations").put(ReplicaSets.REVISION, r.revision());
        client.patch(Types.DEPLOYMENTS, ns, Meta.name(d), "application/merge-patch+json", patch);
      }
    }
    return true;
  }

  /**
   * Writes what the controller owns of a ReplicaSet (size, minReadySeconds, annotations) as a
   * merge patch: the ReplicaSet controller writes its status all the time, and an update with
   * the cached resourceVersion would conflict with nearly every one of those during a rollout.
   */
  private void patchReplicaSet(ObjectNode rs) {
    ObjectNode patch = Json.object();
    patch.putObject("metadata").set("annotations", rs.path("metadata").path("annotations").deepCopy());
    patch.putObject("spec").put("replicas", ReplicaSets.replicas(rs))
        .put("minReadySeconds", rs.path("spec").path("minReadySeconds").asLong(0));
    client.patch(Types.REPLICA_SETS, Meta.namespace(rs), Meta.name(rs), "application/merge-patch+json", patch);
  }

  /** Adopts orphaned ReplicaSets that match and releases owned ones that no longer do. */
  private List<ObjectNode> claimReplicaSets(ObjectNode d, LabelSelector selector) {
    ControllerRefs.Claim claim = ControllerRefs.claim(d, selector, replicaSets.inNamespace(Meta.namespace(d)));
    List<ObjectNode> out = new ArrayList<>(claim.owned());
    for (ObjectNode rs : claim.adopt()) {
      try {
        out.add(client.update(Types.REPLICA_SETS, ControllerRefs.withController(rs, ControllerRefs.ownerReference(d))));
      } catch (ApiException e) {
        if (e.code() != 409 && e.code() != 404) {
          throw e;
        }
      }
    }
    for (ObjectNode rs : claim.release()) {
      try {
        client.update(Types.REPLICA_SETS, ControllerRefs.withController(rs, null));
      } catch (ApiException e) {
        if (e.code() != 409 && e.code() != 404) {
          throw e;
        }
      }
    }
    return out;
  }

  private void writeStatus(ObjectNode d, ObjectNode status) {
    if (ReplicaSets.canonical(d.path("status")).equals(ReplicaSets.canonical(status))) {
      return;
    }
    StatusWrites.replace(client, Types.DEPLOYMENTS, d, status);
  }

  @Override
  public void close() {
    worker.close();
    deployments.close();
    replicaSets.close();
    pods.close();
  }
}
