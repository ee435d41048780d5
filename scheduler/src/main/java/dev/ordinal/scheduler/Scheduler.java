package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds pending pods of the default scheduler to nodes. A pod that fits nowhere gets
 * {@code PodScheduled=False} and a FailedScheduling event and is tried again when nodes, pods or
 * volumes change (and every 30 s). Claims that wait for their first consumer are pointed at the
 * chosen node ({@code volume.kubernetes.io/selected-node}); the pod is bound once they are bound.
 */
public final class Scheduler implements AutoCloseable {
  private static final Duration RETRY = Duration.ofSeconds(30);
  private static final Duration WAIT_FOR_VOLUMES = Duration.ofMillis(500);

  private final Client client;
  private final EventRecorder events;
  private final Informer pods;
  private final Informer nodes;
  private final Informer claims;
  private final Informer volumes;
  // which volume each claim has reserved for it (a claimRef made by hand or by the provisioner)
  private final Map<String, String> reservations = new ConcurrentHashMap<>();
  private final Informer classes;
  private final Informer namespaces;
  // pods last found to fit nowhere: looked at again when a placed pod changes
  private final Set<String> unschedulable = ConcurrentHashMap.newKeySet();
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final PodLedger ledger = new PodLedger();
  private final Object deciding = new Object();
  private final Worker worker;

  /** A placed pod now counts for less cpu or memory than before (an in-place resize). */
  private static boolean requestsShrank(ObjectNode old, ObjectNode pod) {
    for (String r : java.util.List.of("cpu", "memory")) {
      if (NodeFit.request(pod, r).compareTo(NodeFit.request(old, r)) < 0) {
        return true;
      }
    }
    return false;
  }

  public Scheduler(Client client) {
    this.client = client;
    this.events = new EventRecorder(client, "default-scheduler");
    this.pods = new Informer(client, Types.PODS).onChange((old, pod, deleted) -> {
      ledger.observe(pod, deleted);
      if (deleted) {
        unschedulable.remove(Informer.key(pod));
        requeueUnscheduled(); // its room on a node is free again
      } else if (isPending(pod)) {
        queue.add(Informer.key(pod));
      } else if (placementChanged(old, pod)) {
        // a pod placed, finished or relabelled may let a waiting pod's (anti-)affinity or spread be met
        unschedulable.forEach(queue::add);
      } else if (old != null && requestsShrank(old, pod)) {
        requeueUnscheduled(); // resized down, or its resize found Infeasible: its room is free again
      }
    });
    this.namespaces = new Informer(client, Types.NAMESPACES).onChange((o, n, d) -> {
      if (o != null && !Meta.labels(o).equals(Meta.labels(n))) {
        unschedulable.forEach(queue::add); // namespaceSelectors of affinity terms may now select it
      }
    });
    this.nodes = new Informer(client, Types.NODES).onChange((o, n, d) -> requeueUnscheduled());
    // a claim's change concerns only the pods that use it (its binding is what they wait for)
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS)
        .onChange((o, n, d) -> ledger.usersOf(Informer.key(n)).forEach(queue::add));
    this.volumes = new Informer(client, Types.PERSISTENT_VOLUMES).onChange((o, n, d) -> {
      if (o != null) {
        reservations.remove(claimOf(o), Meta.name(o));
      }
      if (!d && !claimOf(n).isEmpty()) {
        reservations.put(claimOf(n), Meta.name(n));
      }
      if (o == null && !d) {
        requeueUnscheduled(); // a new volume may fit a pod waiting for one
      }
    });
    this.classes = new Informer(client, Types.STORAGE_CLASSES).onChange((o, n, d) -> requeueUnscheduled());
    this.worker = new Worker("scheduler", queue, this::schedule, 4);
  }

  public void start() {
    for (Informer i : List.of(pods, nodes, claims, volumes, classes, namespaces)) {
      i.start();
    }
    worker.start();
  }

  static boolean isPending(ObjectNode pod) {
    String scheduler = pod.path("spec").path("schedulerName").asText("default-scheduler");
    return pod.path("spec").path("nodeName").asText("").isEmpty() && !Meta.isDeleting(pod)
        && (scheduler.isEmpty() || scheduler.equals("default-scheduler"));
  }

  private static boolean placementChanged(ObjectNode old, ObjectNode pod) {
    return old == null || NodeUsage.occupiesNode(old) != NodeUsage.occupiesNode(pod) || !Meta.labels(old).equals(Meta.labels(pod))
        || Meta.isDeleting(old) != Meta.isDeleting(pod);
  }

  private void requeueUnscheduled() {
    ledger.pending().forEach(queue::add);
  }

  Optional<Duration> schedule(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    // the informer's copy (not to be changed): if it is behind, the bind meets a conflict and the
    // next event brings the pod back
    ObjectNode pod = pods.get(ns, key.substring(key.indexOf('/') + 1)).orElse(null);
    if (pod == null || !isPending(pod)) {
      unschedulable.remove(key);
      return Optional.empty();
    }
    SchedulingDecision decision;
    // decisions are taken one at a time, each counting the pod it binds before the next is taken;
    // the writes that follow run concurrently
    synchronized (deciding) {
      decision = SchedulingPlanner.decide(pod, cluster());
      if (decision instanceof SchedulingDecision.Bind b) {
        ledger.assume(pod, b.node());
      }
    }
    switch (decision) {
      case SchedulingDecision.Bind b -> {
        unschedulable.remove(key);
        bind(pod, b.node());
      }
      case SchedulingDecision.ProvisionFirst p -> {
        for (String claimName : p.claims()) {
          selectNode(ns, claimName, p.node());
        }
        return Optional.of(WAIT_FOR_VOLUMES);
      }
      case SchedulingDecision.Unschedulable u -> {
        unschedulable.add(key);
        markUnschedulable(pod, u.message());
        return Optional.of(RETRY);
      }
    }
    return Optional.empty();
  }

  private Cluster cluster() {
    Cluster.Pods placed = new Cluster.Pods(ledger::usage, ledger::podsOn, ledger::podsWithAffinity,
        ns -> namespaces.get(null, ns).map(Meta::labels).orElse(Map.of()));
    Cluster.Volumes storage = new Cluster.Volumes(
        key -> claims.get(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1)).orElse(null),
        name -> volumes.get(null, name).orElse(null), name -> classes.get(null, name).orElse(null),
        claim -> Optional.ofNullable(reservations.get(claim)).flatMap(pv -> volumes.get(null, pv)).orElse(null));
    return new Cluster(List.copyOf(nodes.all()), placed, storage);
  }

  /** "namespace/name" of the claim a volume's claimRef names, or "". */
  private static String claimOf(ObjectNode pv) {
    JsonNode ref = pv.path("spec").path("claimRef");
    return ref.isMissingNode() ? "" : ref.path("namespace").asText() + "/" + ref.path("name").asText();
  }

  private void bind(ObjectNode pod, String node) {
    try {
      client.bind(Meta.namespace(pod), Meta.name(pod), node);
      events.normal(pod, "Scheduled", "Successfully assigned " + Meta.namespace(pod) + "/" + Meta.name(pod) + " to " + node);
    } catch (ApiException e) {
      ledger.observe(pod, e.code() == 404); // not bound after all: its room is free again
      if (e.code() != 409 && e.code() != 404) {
        throw e;
      }
    }
  }

  private void selectNode(String ns, String claimName, String node) {
    ObjectNode claim = client.find(Types.PERSISTENT_VOLUME_CLAIMS, ns, claimName).orElse(null);
    if (claim == null || node.equals(Meta.annotations(claim).get(SchedulingPlanner.SELECTED_NODE))) {
      return;
    }
    Meta.of(claim).with("annotations").put(SchedulingPlanner.SELECTED_NODE, node);
    client.update(Types.PERSISTENT_VOLUME_CLAIMS, claim);
  }

  private void markUnschedulable(ObjectNode observed, String message) {
    ObjectNode pod = observed.deepCopy();
    ArrayNode conditions = pod.with("status").withArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (conditions.get(i).path("type").asText().equals("PodScheduled")) {
        if (conditions.get(i).path("message").asText().equals(message)) {
          return;
        }
        conditions.remove(i);
      }
    }
    conditions.addObject().put("type", "PodScheduled").put("status", "False").put("reason", "Unschedulable")
        .put("message", message).put("lastTransitionTime", Meta.now());
    try {
      client.updateStatus(Types.PODS, pod);
    } catch (ApiException e) {
      if (e.code() != 409 && e.code() != 404) {
        throw e;
      }
    }
    events.warning(pod, "FailedScheduling", message);
  }

  @Override
  public void close() {
    worker.close();
    for (Informer i : List.of(pods, nodes, claims, volumes, classes, namespaces)) {
      i.close();
    }
  }
}
