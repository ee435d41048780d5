package dev.ordinal.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The disruption controller: keeps every PodDisruptionBudget's status equal to what
 * {@link DisruptionPlanner} makes of the pods it selects and their controllers' scale, so that the
 * eviction subresource can decide from the status alone. Budgets are looked at again when one of
 * their pods or a workload in their namespace changes, and when an entry of disruptedPods expires.
 * A pod's DisruptionTarget condition that outlives its eviction by two minutes is set back to False.
 */
public final class DisruptionController implements AutoCloseable {
  /** Workload kinds whose replicas count as expected pods; those the catalogue serves are watched. */
  private static final List<String> WORKLOADS =
      List.of("apps/v1/StatefulSet", "apps/v1/ReplicaSet", "apps/v1/Deployment", "v1/ReplicationController");

  private final Client client;
  private final Clock clock;
  private final Informer budgets;
  private final Informer pods;
  private final Map<ResourceType, Informer> workloads = new HashMap<>();
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  /** Pods whose DisruptionTarget condition may go stale. */
  private final WorkQueue<String> stalePods = new WorkQueue<>();
  private final Worker staleWorker;
  private final EventRecorder events;
  private final ControllerScales scales;

  public DisruptionController(Client client) {
    this(client, ResourceCatalog.standard(), Clock.systemUTC());
  }

  DisruptionController(Client client, ResourceCatalog catalog, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.events = new EventRecorder(client, "controllermanager");
    this.budgets = new Informer(client, Types.POD_DISRUPTION_BUDGETS).onChange((old, cur, deleted) -> queue.add(Informer.key(cur)));
    this.pods = new Informer(client, Types.PODS).onChange((old, cur, deleted) -> {
      enqueueBudgetsOf(cur);
      if (!deleted) {
        StaleDisruptions.staleIn(cur, clock.instant()).ifPresent(wait -> stalePods.addAfter(Informer.key(cur), wait));
      }
      if (old != null && !Meta.labels(old).equals(Meta.labels(cur))) {
        enqueueBudgetsOf(old);
      }
    });
    for (String k : WORKLOADS) {
      int slash = k.lastIndexOf('/');
      catalog.byKind(k.substring(0, slash), k.substring(slash + 1)).ifPresent(t -> workloads.put(t,
          new Informer(client, t).onChange((old, cur, deleted) -> enqueueNamespace(Meta.namespace(cur)))));
    }
    this.scales = new ControllerScales(catalog, this::find);
    this.worker = new Worker("disruption", queue, this::sync, 1);
    this.staleWorker = new Worker("disruption-stale", stalePods, this::resetStaleCondition, 1);
  }

  public void start() {
    for (Informer i : informers()) {
      i.start();
    }
    worker.start();
    staleWorker.start();
  }

  private List<Informer> informers() {
    List<Informer> all = new ArrayList<>(List.of(budgets, pods));
    all.addAll(workloads.values());
    return all;
  }

  private Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
    Informer cached = workloads.get(type);
    return cached != null ? cached.get(namespace, name) : client.find(type, namespace, name);
  }

  private void enqueueBudgetsOf(ObjectNode pod) {
    for (ObjectNode pdb : budgets.inNamespace(Meta.namespace(pod))) {
      if (dev.ordinal.api.policy.DisruptionBudgets.selects(pdb, pod)) {
        queue.add(Informer.key(pdb));
      }
    }
  }

  private void enqueueNamespace(String namespace) {
    budgets.inNamespace(namespace).forEach(pdb -> queue.add(Informer.key(pdb)));
  }

  Optional<Duration> sync(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode pdb = budgets.get(ns, name).orElse(null);
    if (pdb == null) {
      return Optional.empty();
    }
    DisruptionPlanner.Plan plan = DisruptionPlanner.plan(pdb, selected(pdb), scales, clock.instant());
    for (DisruptionPlanner.Event e : plan.events()) {
      ObjectNode about = e.pod() != null ? e.pod() : pdb;
      if (e.warning()) {
        events.warning(about, e.reason(), e.message());
      } else {
        events.normal(about, e.reason(), e.message());
      }
    }
    if (plan.status() != null) {
      ObjectNode updated = pdb.deepCopy();
      updated.set("status", plan.status());
      try {
        // with the cached resourceVersion: an eviction that took a disruption meanwhile wins (409)
        client.updateStatus(Types.POD_DISRUPTION_BUDGETS, updated);
      } catch (ApiException e) {
        if (e.code() == 404) {
          return Optional.empty();
        }
        throw e; // 409 and the rest: again after a back-off, from the informer's newer copy
      }
    }
    return Optional.ofNullable(plan.recheckAfter()).map(d -> d.plusMillis(100));
  }

  /** Sets a stale DisruptionTarget condition back to False, or looks again when it will be stale. */
  Optional<Duration> resetStaleCondition(String key) {
    ObjectNode pod = pods.get(key.substring(0, key.indexOf('/')), key.substring(key.indexOf('/') + 1)).orElse(null);
    if (pod == null) {
      return Optional.empty();
    }
    Optional<Duration> wait = StaleDisruptions.staleIn(pod, clock.instant());
    if (wait.isEmpty() || !wait.get().isZero()) {
      return wait;
    }
    ObjectNode updated = pod.deepCopy();
    StaleDisruptions.reset(updated, clock.instant());
    try {
      client.updateStatus(Types.PODS, updated);
    } catch (ApiException e) {
      if (e.code() != 404) {
        throw e;
      }
    }
    return Optional.empty();
  }

  /** The pods the budget's selector selects; none for a missing or unreadable selector. */
  private List<ObjectNode> selected(ObjectNode pdb) {
    JsonNode sel = pdb.path("spec").path("selector");
    if (sel.isMissingNode() || sel.isNull()) {
      return List.of();
    }
    LabelSelector selector;
    try {
      selector = LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
    } catch (SelectorException | IllegalArgumentException e) {
      return List.of();
    }
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode pod : pods.inNamespace(Meta.namespace(pdb))) {
      if (selector.matches(Meta.labels(pod))) {
        out.add(pod);
      }
    }
    return out;
  }

  @Override
  public void close() {
    worker.close();
    staleWorker.close();
    for (Informer i : informers()) {
      i.close();
    }
  }
}
