package dev.ordinal.scheduler;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
  private final Informer classes;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  public Scheduler(Client client) {
    this.client = client;
    this.events = new EventRecorder(client, "default-scheduler");
    this.pods = new Informer(client, Types.PODS).onChange((old, pod, deleted) -> {
      if (deleted) {
        requeueUnscheduled();
      } else if (isPending(pod)) {
        queue.add(Informer.key(pod));
      }
    });
    this.nodes = new Informer(client, Types.NODES).onChange((o, n, d) -> requeueUnscheduled());
    // a claim's change concerns only the pods that use it (its binding is what they wait for)
    this.claims = new Informer(client, Types.PERSISTENT_VOLUME_CLAIMS).onChange((o, n, d) -> requeueUsersOf(n));
    this.volumes = new Informer(client, Types.PERSISTENT_VOLUMES).onChange((o, n, d) -> {
      if (o == null && !d) {
        requeueUnscheduled(); // a new volume may fit a pod waiting for one
      }
    });
    this.classes = new Informer(client, Types.STORAGE_CLASSES).onChange((o, n, d) -> requeueUnscheduled());
    this.worker = new Worker("scheduler", queue, this::schedule, 1);
  }

  public void start() {
    for (Informer i : List.of(pods, nodes, claims, volumes, classes)) {
      i.start();
    }
    worker.start();
  }

  private static boolean isPending(ObjectNode pod) {
    String scheduler = pod.path("spec").path("schedulerName").asText("default-scheduler");
    return pod.path("spec").path("nodeName").asText("").isEmpty() && !Meta.isDeleting(pod)
        && (scheduler.isEmpty() || scheduler.equals("default-scheduler"));
  }

  private void requeueUnscheduled() {
    for (ObjectNode p : pods.all()) {
      if (isPending(p)) {
        queue.add(Informer.key(p));
      }
    }
  }

  private void requeueUsersOf(ObjectNode claim) {
    String ns = Meta.namespace(claim);
    String name = Meta.name(claim);
    for (ObjectNode p : pods.all()) {
      if (isPending(p) && Meta.namespace(p).equals(ns)) {
        for (var v : p.path("spec").path("volumes")) {
          if (v.path("persistentVolumeClaim").path("claimName").asText("").equals(name)) {
            queue.add(Informer.key(p));
          }
        }
      }
    }
  }

  Optional<Duration> schedule(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    ObjectNode pod = client.find(Types.PODS, ns, key.substring(key.indexOf('/') + 1)).orElse(null);
    if (pod == null || !isPending(pod)) {
      return Optional.empty();
    }
    SchedulingDecision decision = SchedulingPlanner.decide(pod, cluster());
    switch (decision) {
      case SchedulingDecision.Bind b -> bind(pod, b.node());
      case SchedulingDecision.ProvisionFirst p -> {
        for (String claimName : p.claims()) {
          selectNode(ns, claimName, p.node());
        }
        return Optional.of(WAIT_FOR_VOLUMES);
      }
      case SchedulingDecision.Unschedulable u -> {
        markUnschedulable(pod, u.message());
        return Optional.of(RETRY);
      }
    }
    return Optional.empty();
  }

  private SchedulingPlanner.Cluster cluster() {
    Map<String, ObjectNode> claimsByKey = new HashMap<>();
    claims.all().forEach(c -> claimsByKey.put(Informer.key(c), c));
    Map<String, ObjectNode> volumesByName = new HashMap<>();
    volumes.all().forEach(v -> volumesByName.put(Meta.name(v), v));
    Map<String, ObjectNode> classesByName = new HashMap<>();
    classes.all().forEach(c -> classesByName.put(Meta.name(c), c));
    return new SchedulingPlanner.Cluster(new ArrayList<>(nodes.all()), new ArrayList<>(pods.all()), claimsByKey,
        volumesByName, classesByName);
  }

  private void bind(ObjectNode pod, String node) {
    try {
      client.bind(Meta.namespace(pod), Meta.name(pod), node);
      events.normal(pod, "Scheduled", "Successfully assigned " + Meta.namespace(pod) + "/" + Meta.name(pod) + " to " + node);
    } catch (ApiException e) {
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

  private void markUnschedulable(ObjectNode pod, String message) {
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
    for (Informer i : List.of(pods, nodes, claims, volumes, classes)) {
      i.close();
    }
  }
}
