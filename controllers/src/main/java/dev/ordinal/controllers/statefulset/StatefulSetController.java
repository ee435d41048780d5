package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.SlowStart;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The StatefulSet controller: informers on sets, pods, claims and revisions feed a queue of set
 * keys; each sync reads the observed state from the informers, lets {@link StatefulSetPlanner}
 * decide, applies the actions, keeps the revision history, and writes the status.
 */
public final class StatefulSetController implements AutoCloseable {
  private static final Duration MAX_COOL_DOWN = Duration.ofMillis(50);
  private static final Duration COOL_DOWN_PER_REPLICA = Duration.ofNanos(20_000);
  /** The rest after a pass is at least this many times the pass itself, up to {@link #MAX_MEASURED_COOL_DOWN}. */
  private static final int REST_PER_PASS = 4;
  private static final Duration MAX_MEASURED_COOL_DOWN = Duration.ofMillis(250);
  private final Client client;
  private final Informer sets;
  private final Informer pods;
  private final Informer claims;
  private final Informer revisions;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final StatefulPodControl control;
  private final EventRecorder events;
  private final StatefulSetStatusUpdater status;
  /** How many replicas each set had at its last pass, and how long that pass took to read and plan. */
  private final Map<String, LastPass> sizes = new ConcurrentHashMap<>();

  private record LastPass(int replicas, long nanos) {
    /**
     * The estimate of a pass's cost (about 5 µs a replica on a quiet machine) rules; but when
     * passes take longer — a loaded machine, a big namespace — the measured pass does, so the
     * controller's share of the CPU stays about a fifth however slow a pass gets.
     */
    Duration coolDown() {
      long estimated = Math.min(MAX_COOL_DOWN.toNanos(), replicas * COOL_DOWN_PER_REPLICA.toNanos());
      long measured = Math.min(MAX_MEASURED_COOL_DOWN.toNanos(), REST_PER_PASS * nanos);
      return Duration.ofNanos(replicas < 100 ? estimated : Math.max(estimated, measured));
    }
  }

  public StatefulSetController(Client client) {
    this.client = client;
    this.events = new EventRecorder(client, "statefulset-controller");
    this.control = new StatefulPodControl(client, events);
    this.status = new StatefulSetStatusUpdater(client);
    this.sets = new Informer(client, Types.STATEFUL_SETS).onChange((old, cur, deleted) -> queue.add(Informer.key(cur)));
    this.pods = new Informer(client, Types.PODS).onChange((old, cur, deleted) -> {
      enqueueOwner(cur);
      if (StatefulSetIdentity.controllerOf(cur) == null) {
        enqueueNamespace(Meta.namespace(cur)); // an orphan: a set may adopt it
      }
    });
    this.revisions = new Informer(client, Types.CONTROLLER_REVISIONS).onChange((old, cur, deleted) -> enqueueOwner(cur));
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS).onChange((old, cur, deleted) -> enqueueNamespace(Meta.namespace(cur)));
    // Each pass reads every replica, and every replica's event asks for a pass: a set of thousands
    // would pass over all of them for each event. Resting about four times a pass's cost in between
    // (a pass costs some 5 µs a replica) lets events gather, so a set takes a fifth of a thread at
    // most; sets of a few dozen replicas, whose every event matters to an ordered start, do not wait.
    this.worker = new Worker("statefulset", queue, this::sync, 2).withCoolDown(key -> {
      LastPass last = sizes.get(key);
      return last == null ? Duration.ZERO : last.coolDown();
    });
  }

  public void start() {
    for (Informer i : List.of(sets, pods, claims, revisions)) {
      i.start();
    }
    worker.start();
  }

  private void enqueueOwner(ObjectNode obj) {
    ObjectNode ref = StatefulSetIdentity.controllerOf(obj);
    if (ref != null && ref.path("kind").asText().equals("StatefulSet")) {
      queue.add(Informer.key(Meta.namespace(obj), ref.path("name").asText()));
    }
  }

  private void enqueueNamespace(String namespace) {
    for (ObjectNode set : sets.inNamespace(namespace)) {
      queue.add(Informer.key(set));
    }
  }

  Optional<Duration> sync(String key) throws InterruptedException {
    long started = System.nanoTime();
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode set = sets.get(ns, name).orElse(null);
    if (set == null || Meta.isDeleting(set)) {
      sizes.remove(key);
      return Optional.empty();
    }
    List<ObjectNode> owned = owned(revisions, set);
    StatefulSetRevisions.Plan revisionPlan = StatefulSetRevisions.plan(set, owned);
    if (revisionPlan.create() != null) {
      ObjectNode created = createRevision(ns, revisionPlan.create());
      owned.add(created);
    }
    if (revisionPlan.rollback() != null) {
      ObjectNode renumbered = client.update(Types.CONTROLLER_REVISIONS, revisionPlan.rollback());
      owned.removeIf(r -> Meta.name(r).equals(Meta.name(renumbered)));
      owned.add(renumbered);
    }
    Map<String, ObjectNode> templates = new HashMap<>();
    for (ObjectNode r : owned) {
      ObjectNode template = ((ObjectNode) r.path("data").path("spec").path("template")).deepCopy();
      template.remove("$patch");
      templates.put(Meta.name(r), template);
    }
    String updateRevision = revisionPlan.updateRevision();
    String currentRevision = set.path("status").path("currentRevision").asText("");
    if (!templates.containsKey(currentRevision)) {
      currentRevision = updateRevision;
    }

    List<ObjectNode> replicas = claimPods(set);
    Map<String, ObjectNode> claimsByName = new HashMap<>();
    for (ObjectNode c : claims.inNamespace(ns)) {
      claimsByName.put(Meta.name(c), c);
    }
    Instant now = Instant.now();
    var observed = new StatefulSetPlanner.Observed(set, replicas, claimsByName, currentRevision, updateRevision, templates, now);
    List<StatefulSetAction> actions = StatefulSetPlanner.plan(observed);
    long reading = System.nanoTime() - started; // the pass's own cost, without the writes it makes
    apply(set, actions);
    growClaims(set, claimsByName);
    status.write(set, StatefulSetStatusUpdater.compute(set, replicas, currentRevision, updateRevision,
        revisionPlan.collisionCount(), now));
    truncateHistory(set, owned, replicas, currentRevision, updateRevision);
    sizes.put(key, new LastPass(replicas.size(), reading));
    return requeueForAvailability(set, replicas, now);
  }

  /** Raises the storage requests of the set's claims to their template's ({@link ClaimGrowthPlanner}). */
  private void growClaims(ObjectNode set, Map<String, ObjectNode> claimsByName) {
    for (ClaimGrowthPlanner.Resize r : ClaimGrowthPlanner.plan(set, claimsByName)) {
      ObjectNode patch = dev.ordinal.api.Json.object();
      patch.putObject("spec").putObject("resources").putObject("requests").put("storage", r.size());
      try {
        client.patch(Types.PERSISTENT_VOLUME_CLAIMS, Meta.namespace(set), r.claim(), "application/merge-patch+json", patch);
        events.normal(set, "SuccessfulResize", "resize Claim " + r.claim() + " Pod " + r.pod() + " in StatefulSet "
            + Meta.name(set) + " to " + r.size() + " success");
      } catch (dev.ordinal.apiserver.errors.ApiException e) {
        events.warning(set, "FailedResize", "resize Claim " + r.claim() + " Pod " + r.pod() + " in StatefulSet "
            + Meta.name(set) + " to " + r.size() + " failed error: " + e.getMessage());
      }
    }
  }

  /**
   * Ordered sets act on one replica at a time anyway; a Parallel set's replicas are written
   * concurrently, each replica's actions in order (its claims before its pod, a claim's new owner
   * before the pod's deletion).
   */
  private void apply(ObjectNode set, List<StatefulSetAction> actions) throws InterruptedException {
    if (!set.path("spec").path("podManagementPolicy").asText().equals("Parallel")) {
      actions.forEach(a -> control.apply(set, a));
      return;
    }
    Map<Integer, List<StatefulSetAction>> byReplica = new LinkedHashMap<>();
    for (StatefulSetAction a : actions) {
      byReplica.computeIfAbsent(StatefulSetIdentity.ordinal(a.objectName()), o -> new ArrayList<>()).add(a);
    }
    SlowStart.run(List.copyOf(byReplica.values()), replica -> replica.forEach(a -> control.apply(set, a)));
  }

  /**
   * The set's replicas, after adopting orphans that match its selector and name pattern and
   * releasing owned pods that no longer match its selector, as Kubernetes' ControllerRefManager
   * does (so `delete --cascade=orphan` and re-creating the set picks its pods up again).
   */
  private List<ObjectNode> claimPods(ObjectNode set) {
    String ns = Meta.namespace(set);
    String name = Meta.name(set);
    LabelSelector selector = LabelSelector.fromSelector(
        Json.convert(set.path("spec").path("selector"), io.fabric8.kubernetes.api.model.LabelSelector.class));
    List<ObjectNode> replicas = new ArrayList<>();
    for (ObjectNode pod : pods.inNamespace(ns)) {
      if (!StatefulSetIdentity.isMember(name, pod)) {
        continue;
      }
      ObjectNode ref = StatefulSetIdentity.controllerOf(pod);
      boolean matches = !selector.isEmpty() && selector.matches(Meta.labels(pod));
      boolean ours = ref != null && ref.path("uid").asText().equals(Meta.uid(set));
      if (ours && matches) {
        replicas.add(pod);
      } else if (ours) {
        setController(pod, null);
      } else if (ref == null && matches && !Meta.isDeleting(pod)) {
        replicas.add(setController(pod, StatefulSetIdentity.ownerReference(set)));
      }
    }
    return replicas;
  }

  /** Adopts (ref given) or releases (null) a pod; returns the pod as written. */
  private ObjectNode setController(ObjectNode pod, ObjectNode ref) {
    ObjectNode updated = pod.deepCopy();
    var refs = Meta.of(updated).putArray("ownerReferences");
    for (ObjectNode r : Meta.ownerReferences(pod)) {
      if (!r.path("controller").asBoolean(false)) {
        refs.add(r);
      }
    }
    if (ref != null) {
      refs.add(ref);
    }
    if (refs.isEmpty()) {
      Meta.of(updated).remove("ownerReferences");
    }
    return client.update(Types.PODS, updated);
  }

  private ObjectNode createRevision(String ns, ObjectNode revision) {
    try {
      return client.create(Types.CONTROLLER_REVISIONS, ns, revision);
    } catch (ApiException e) {
      if (e.code() == 409) {
        return client.get(Types.CONTROLLER_REVISIONS, ns, Meta.name(revision));
      }
      throw e;
    }
  }

  private static List<ObjectNode> owned(Informer informer, ObjectNode set) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode obj : informer.inNamespace(Meta.namespace(set))) {
      ObjectNode ref = StatefulSetIdentity.controllerOf(obj);
      if (ref != null && ref.path("uid").asText().equals(Meta.uid(set))) {
        out.add(obj);
      }
    }
    return out;
  }

  private void truncateHistory(ObjectNode set, List<ObjectNode> owned, List<ObjectNode> replicas, String current, String update) {
    Set<String> live = new HashSet<>(List.of(current, update));
    replicas.forEach(p -> live.add(StatefulSetIdentity.revisionOf(p)));
    int limit = set.path("spec").path("revisionHistoryLimit").asInt(10);
    for (ObjectNode r : StatefulSetRevisions.excess(owned, limit, live)) {
      try {
        client.delete(Types.CONTROLLER_REVISIONS, Meta.namespace(r), Meta.name(r), DeleteOptions.DEFAULT);
      } catch (ApiException e) {
        if (e.code() != 404) {
          throw e;
        }
      }
    }
  }

  /** Ready replicas become available after minReadySeconds without any event: look again then. */
  private static Optional<Duration> requeueForAvailability(ObjectNode set, List<ObjectNode> replicas, Instant now) {
    long minReady = set.path("spec").path("minReadySeconds").asLong(0);
    Instant soonest = null;
    for (ObjectNode p : replicas) {
      if (PodState.isRunningAndReady(p) && !PodState.isAvailable(p, minReady, now)) {
        Instant at = PodState.availableAt(p, minReady);
        if (at != null && (soonest == null || at.isBefore(soonest))) {
          soonest = at;
        }
      }
    }
    return soonest == null ? Optional.empty() : Optional.of(Duration.between(now, soonest).plusMillis(100));
  }

  @Override
  public void close() {
    worker.close();
    for (Informer i : List.of(sets, pods, claims, revisions)) {
      i.close();
    }
  }
}
