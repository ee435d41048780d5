package dev.ordinal.controllers.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.controllers.runtime.StatusWrites;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.pods.ControllerRefs;
import dev.ordinal.controllers.pods.Expectations;
import dev.ordinal.controllers.pods.OwnedPodEvents;
import dev.ordinal.controllers.pods.PodControl;
import dev.ordinal.controllers.pods.PodReadiness;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ReplicaSet controller, which also runs ReplicationControllers (one instance per
 * {@link ReplicaSetKind}): informers on the owners and on pods feed a queue of owner keys; each
 * sync claims the owner's pods (adoption and release), and when the informer has caught up with
 * the owner's own writes ({@link Expectations}) lets {@link ReplicaSetPlanner} decide how many
 * pods to create or which to delete, applies that through {@link PodControl}, and writes the
 * status.
 */
public final class ReplicaSetController implements AutoCloseable {
  private static final Duration MAX_COOL_DOWN = Duration.ofMillis(50);
  private static final Duration COOL_DOWN_PER_REPLICA = Duration.ofNanos(20_000);
  private final Client client;
  private final ReplicaSetKind kind;
  /** How many pods each owner had at its last pass. */
  private final java.util.Map<String, Integer> sizes = new java.util.concurrent.ConcurrentHashMap<>();
  private final Informer owners;
  private final Informer pods;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final Expectations expectations = new Expectations();
  private final OwnedPodEvents podEvents;
  private final PodControl control;

  public ReplicaSetController(Client client, ReplicaSetKind kind) {
    this.client = client;
    this.kind = kind;
    this.control = new PodControl(client, new EventRecorder(client, kind.component()), expectations);
    this.owners = new Informer(client, kind.type()).onChange((old, cur, deleted) -> {
      if (deleted) {
        expectations.forget(Informer.key(cur));
      }
      queue.add(Informer.key(cur));
    });
    this.podEvents = new OwnedPodEvents(kind.type().kind(), kind.type().apiVersion(), expectations, queue, owners::inNamespace, kind::selector);
    this.pods = new Informer(client, Types.PODS).onChange(podEvents::podChanged);
    // As the StatefulSet controller: every pod event asks for a pass over all the owner's pods;
    // resting about 20 µs a replica (at most 50 ms) between passes of an owner that changed
    // during its pass lets a big owner's events gather into one pass.
    this.worker = new Worker(kind.component(), queue, this::sync, 2).withCoolDown(key -> Duration.ofNanos(
        Math.min(MAX_COOL_DOWN.toNanos(), sizes.getOrDefault(key, 0) * COOL_DOWN_PER_REPLICA.toNanos())));
  }

  public void start() {
    owners.start();
    pods.start();
    worker.start();
  }



  Optional<Duration> sync(String key) throws InterruptedException {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode owner = owners.get(ns, name).orElse(null);
    if (owner == null) {
      expectations.forget(key);
      sizes.remove(key);
      return Optional.empty();
    }
    boolean satisfied = expectations.isSatisfied(key);
    LabelSelector selector = kind.selector(owner);
    if (selector.isEmpty()) {
      // validation refuses these; one that slipped through would claim none of the pods it
      // makes and make more on every pass, so it is left alone (a permanent error, not retried)
      return Optional.empty();
    }
    List<ObjectNode> active = new ArrayList<>();
    for (ObjectNode p : pods.inNamespace(ns)) {
      if (PodReadiness.isActive(p)) {
        active.add(p);
      }
    }
    List<ObjectNode> claimed = control.applyClaim(owner, ControllerRefs.claim(owner, selector, active));
    Instant now = Instant.now();
    String[] failure = null;
    if (satisfied && !Meta.isDeleting(owner)) {
      ReplicaSetPlanner.Plan plan = ReplicaSetPlanner.plan(owner, claimed, now);
      try {
        control.createPods(key, owner, templateOf(owner), plan.create());
        control.deletePods(key, owner, plan.delete());
      } catch (ApiException e) {
        failure = new String[] {plan.create() > 0 ? "FailedCreate" : "FailedDelete", e.getMessage()};
      }
    }
    sizes.put(key, claimed.size());
    ObjectNode status = ReplicaSetStatus.compute(owner, claimed, failure, now);
    writeStatus(owner, status);
    if (failure != null) {
      throw new IllegalStateException(failure[1]); // requeued with back-off
    }
    return requeueForAvailability(owner, claimed, now);
  }

  private static ObjectNode templateOf(ObjectNode owner) {
    return owner.path("spec").path("template") instanceof ObjectNode t ? t : dev.ordinal.api.Json.object();
  }

  private void writeStatus(ObjectNode owner, ObjectNode status) {
    if (!ReplicaSetStatus.differs(owner, status)) {
      return;
    }
    StatusWrites.replace(client, kind.type(), owner, status);
  }

  /** Ready pods become available after minReadySeconds without any event: look again then. */
  static Optional<Duration> requeueForAvailability(ObjectNode owner, List<ObjectNode> pods, Instant now) {
    long minReady = owner.path("spec").path("minReadySeconds").asLong(0);
    Instant soonest = null;
    for (ObjectNode p : pods) {
      Instant at = PodReadiness.availableAt(p, minReady, now);
      if (at != null && (soonest == null || at.isBefore(soonest))) {
        soonest = at;
      }
    }
    return soonest == null ? Optional.empty() : Optional.of(Duration.between(now, soonest).plusMillis(100));
  }

  @Override
  public void close() {
    worker.close();
    owners.close();
    pods.close();
  }
}
