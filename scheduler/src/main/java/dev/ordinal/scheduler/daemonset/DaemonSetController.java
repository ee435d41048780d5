package dev.ordinal.scheduler.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
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
import dev.ordinal.controllers.statefulset.StatefulSetRevisions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The DaemonSet controller: informers on DaemonSets, pods, nodes and ControllerRevisions feed a
 * queue of DaemonSet keys; each sync claims the set's pods, finds or makes the ControllerRevision
 * of its template (the {@code controller-revision-hash} of new pods), and once the informer has
 * seen the set's own writes ({@link Expectations}) lets {@link DaemonSetPlanner} decide which
 * nodes get a pod and which pods go, applies that through {@link PodControl}, trims the history
 * and writes the status. It lives in the scheduler module because which nodes should run a daemon
 * pod is decided by the scheduler's own predicates ({@link NodeEligibility}).
 */
public final class DaemonSetController implements AutoCloseable {
  private static final String COMPONENT = "daemonset-controller";
  private final Client client;
  private final Informer sets;
  private final Informer pods;
  private final Informer nodes;
  private final Informer revisions;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final Expectations expectations = new Expectations();
  private final OwnedPodEvents podEvents;
  private final PodControl control;

  public DaemonSetController(Client client) {
    this.client = client;
    this.control = new PodControl(client, new EventRecorder(client, COMPONENT), expectations);
    this.sets = new Informer(client, Types.DAEMON_SETS).onChange((old, cur, deleted) -> {
      if (deleted) {
        expectations.forget(Informer.key(cur));
      }
      queue.add(Informer.key(cur));
    });
    this.podEvents = new OwnedPodEvents("DaemonSet", "apps/v1", expectations, queue, sets::inNamespace, DaemonSetController::selector);
    this.pods = new Informer(client, Types.PODS).onChange(podEvents::podChanged);
    this.nodes = new Informer(client, Types.NODES).onChange((old, cur, deleted) -> {
      // eligibility reads the name, labels and spec (taints) only: heartbeats change nothing
      if (deleted || old == null || !Objects.equals(Meta.labels(old), Meta.labels(cur)) || !old.path("spec").equals(cur.path("spec"))) {
        sets.all().forEach(s -> queue.add(Informer.key(s)));
      }
    });
    this.revisions = new Informer(client, Types.CONTROLLER_REVISIONS).onChange((old, cur, deleted) -> {
      String owner = podEvents.ownerKey(cur);
      if (owner != null) {
        queue.add(owner);
      }
    });
    this.worker = new Worker(COMPONENT, queue, this::sync, 2);
  }

  public void start() {
    sets.start();
    pods.start();
    nodes.start();
    revisions.start();
    worker.start();
  }



  static LabelSelector selector(ObjectNode ds) {
    JsonNode sel = ds.path("spec").path("selector");
    try {
      return sel.isObject()
          ? LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class))
          : LabelSelector.fromMap(Map.of());
    } catch (RuntimeException e) {
      return LabelSelector.fromMap(Map.of());
    }
  }

  static ObjectNode ownerReference(ObjectNode ds) {
    ObjectNode ref = Json.object();
    ref.put("apiVersion", "apps/v1").put("kind", "DaemonSet").put("name", Meta.name(ds)).put("uid", Meta.uid(ds));
    ref.put("controller", true).put("blockOwnerDeletion", true);
    return ref;
  }

  Optional<Duration> sync(String key) throws InterruptedException {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode ds = sets.get(ns, name).orElse(null);
    if (ds == null) {
      expectations.forget(key);
      return Optional.empty();
    }
    ds = withTypeMeta(ds);
    LabelSelector selector = selector(ds);
    if (selector.isEmpty()) {
      return Optional.empty(); // validation refuses these; it would claim nothing and create forever
    }
    boolean satisfied = expectations.isSatisfied(key);
    List<ObjectNode> claimed = control.applyClaim(ds, ControllerRefs.claim(ds, selector, pods.inNamespace(ns)));
    List<ObjectNode> owned = new ArrayList<>();
    for (ObjectNode r : revisions.inNamespace(ns)) {
      if (ControllerRefs.isControlledBy(r, Meta.uid(ds))) {
        owned.add(r);
      }
    }
    if (Meta.isDeleting(ds)) {
      return Optional.empty(); // the garbage collector takes the pods; nothing new is made
    }
    String hash = revision(ds, owned);
    List<ObjectNode> nodeList = List.copyOf(nodes.all());
    Instant now = Instant.now();
    String failure = null;
    if (satisfied) {
      DaemonSetPlanner.Plan plan = DaemonSetPlanner.plan(ds, nodeList, claimed, hash, now);
      try {
        List<ObjectNode> made = new ArrayList<>();
        for (String node : plan.createOn()) {
          made.add(DaemonPods.newPod(ds, hash, node));
        }
        control.createPods(key, ds, made);
        control.deletePods(key, ds, plan.delete());
      } catch (ApiException e) {
        failure = e.getMessage();
      }
    }
    truncateHistory(ds, owned, claimed, hash);
    writeStatus(ds, DaemonSetStatus.compute(ds, nodeList, claimed, hash, now));
    if (failure != null) {
      throw new IllegalStateException(failure); // requeued with back-off
    }
    return requeueForAvailability(ds, claimed, now);
  }

  /** A copy (the informer's object is shared), with the kind events and owner references need. */
  private static ObjectNode withTypeMeta(ObjectNode ds) {
    ObjectNode copy = ds.deepCopy();
    copy.put("apiVersion", "apps/v1").put("kind", "DaemonSet");
    if (!copy.path("status").isObject()) {
      copy.putObject("status");
    }
    return copy;
  }

  /** The current revision's hash: an equal revision (renumbered if older), else a new one. */
  private String revision(ObjectNode ds, List<ObjectNode> owned) {
    StatefulSetRevisions.Plan plan = StatefulSetRevisions.plan(ds, owned, ownerReference(ds));
    String hash = plan.updateRevision().substring(Meta.name(ds).length() + 1);
    String ns = Meta.namespace(ds);
    if (plan.create() != null) {
      ObjectNode r = plan.create();
      ((ObjectNode) r.path("metadata").path("labels")).put(DaemonPods.HASH_LABEL, hash);
      try {
        client.create(Types.CONTROLLER_REVISIONS, ns, r);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
    } else if (plan.rollback() != null) {
      try {
        client.update(Types.CONTROLLER_REVISIONS, plan.rollback());
      } catch (ApiException e) {
        if (e.code() != 409 && e.code() != 404) {
          throw e; // 409: renumbered already, the informer had not seen it yet
        }
      }
    }
    long collisions = ds.path("status").path("collisionCount").asLong(0);
    if (plan.collisionCount() != collisions) {
      ((ObjectNode) ds.path("status")).put("collisionCount", plan.collisionCount());
    }
    return hash;
  }

  /** Keeps revisionHistoryLimit old revisions besides the current one and those pods still use. */
  private void truncateHistory(ObjectNode ds, List<ObjectNode> owned, List<ObjectNode> claimed, String hash) {
    Set<String> live = new HashSet<>();
    live.add(Meta.name(ds) + "-" + hash);
    for (ObjectNode p : claimed) {
      String h = Meta.labels(p).get(DaemonPods.HASH_LABEL);
      if (h != null) {
        live.add(Meta.name(ds) + "-" + h);
      }
    }
    List<ObjectNode> old = owned.stream().filter(r -> !live.contains(Meta.name(r))).toList();
    int limit = ds.path("spec").path("revisionHistoryLimit").asInt(10);
    for (ObjectNode r : StatefulSetRevisions.excess(old, limit, Set.of())) {
      try {
        client.delete(Types.CONTROLLER_REVISIONS, Meta.namespace(r), Meta.name(r), new DeleteOptions(null, null, Meta.uid(r), null, false));
      } catch (ApiException e) {
        if (e.code() != 404 && e.code() != 409) {
          throw e;
        }
      }
    }
  }

  private void writeStatus(ObjectNode ds, ObjectNode status) {
    if (same(ds.path("status"), status)) {
      return;
    }
    StatusWrites.replace(client, Types.DAEMON_SETS, ds, status);
  }

  /** Equal counts, whatever order the fields come in and whether a number is an int or a long node. */
  static boolean same(JsonNode a, JsonNode b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (var it = b.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!a.has(e.getKey()) || !a.get(e.getKey()).asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  /** Ready pods become available after minReadySeconds without any event: look again then. */
  private static Optional<Duration> requeueForAvailability(ObjectNode ds, List<ObjectNode> pods, Instant now) {
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
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
    sets.close();
    pods.close();
    nodes.close();
    revisions.close();
  }
}
