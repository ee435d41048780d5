package dev.ordinal.scheduler.taints;

import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The taint manager: evicts (deletes) the pods bound to a node whose NoExecute taints they do not
 * tolerate, at once or after their {@code tolerationSeconds} ({@link TaintEvictionPlanner}). Keyed
 * by node name; a pass looks at the node's pods. An evicted pod gets the {@code DisruptionTarget}
 * condition (reason {@code DeletionByTaintManager}) and a {@code TaintManagerEviction} event first,
 * as upstream.
 */
public final class TaintEvictionController implements AutoCloseable {
  private final Client client;
  private final Clock clock;
  private final EventRecorder events;
  private final Informer pods;
  private final Informer nodes;
  private final WorkQueue<String> queue = new WorkQueue<>();
  // "namespace/name" → when the pod was first seen tolerating its node's NoExecute taints for a while
  private final Map<String, Instant> since = new ConcurrentHashMap<>();
  private final Worker worker;

  public TaintEvictionController(Client client) {
    this(client, Clock.systemUTC());
  }

  TaintEvictionController(Client client, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.events = new EventRecorder(client, "taint-eviction-controller");
    this.pods = new Informer(client, Types.PODS).onChange((old, pod, deleted) -> {
      String node = pod.path("spec").path("nodeName").asText("");
      if (deleted) {
        since.remove(Informer.key(pod));
      } else if (!node.isEmpty()) {
        queue.add(node);
      }
    });
    this.nodes = new Informer(client, Types.NODES).onChange((old, node, deleted) -> {
      if (!deleted) {
        queue.add(Meta.name(node));
      }
    });
    this.worker = new Worker("taint-eviction", queue, this::sync, 1);
  }

  public void start() {
    pods.start();
    nodes.start();
    worker.start();
  }

  Optional<Duration> sync(String nodeName) {
    ObjectNode node = nodes.get(null, nodeName).orElse(null);
    boolean noExecute = node != null && !Tolerations.withEffect(node.path("spec").path("taints"), "NoExecute").isEmpty();
    if (!noExecute && since.isEmpty()) {
      return Optional.empty(); // the common case: nothing to evict, nothing planned
    }
    Instant now = clock.instant();
    Duration next = null;
    for (ObjectNode pod : List.copyOf(pods.all())) {
      if (!pod.path("spec").path("nodeName").asText("").equals(nodeName)) {
        continue;
      }
      String key = Informer.key(pod);
      TaintEvictionPlanner.Plan plan = node == null ? new TaintEvictionPlanner.Plan.Stay()
          : TaintEvictionPlanner.plan(pod, node, since.get(key), now);
      switch (plan) {
        case TaintEvictionPlanner.Plan.Stay s -> since.remove(key);
        case TaintEvictionPlanner.Plan.Evict e -> {
          since.remove(key);
          evict(pod);
        }
        case TaintEvictionPlanner.Plan.EvictLater later -> {
          since.putIfAbsent(key, now);
          next = next == null || later.delay().compareTo(next) < 0 ? later.delay() : next;
        }
      }
    }
    return Optional.ofNullable(next);
  }

  private void evict(ObjectNode observed) {
    events.normal(observed, "TaintManagerEviction", "Marking for deletion Pod " + Informer.key(observed));
    ObjectNode pod = observed.deepCopy();
    ArrayNode conditions = pod.with("status").withArray("conditions");
    for (int i = conditions.size() - 1; i >= 0; i--) {
      if (conditions.get(i).path("type").asText().equals("DisruptionTarget")) {
        conditions.remove(i);
      }
    }
    conditions.addObject().put("type", "DisruptionTarget").put("status", "True").put("reason", "DeletionByTaintManager")
        .put("message", "Taint manager: deleting due to NoExecute taint").put("lastTransitionTime", Meta.now());
    try {
      client.updateStatus(Types.PODS, pod);
      client.delete(Types.PODS, Meta.namespace(pod), Meta.name(pod), DeleteOptions.DEFAULT);
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
      if (e.code() == 409) {
        queue.addRateLimited(observed.path("spec").path("nodeName").asText());
      }
    }
  }

  @Override
  public void close() {
    worker.close();
    pods.close();
    nodes.close();
  }
}
