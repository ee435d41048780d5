package dev.ordinal.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.PodObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent (our kubelet): registers the Node, keeps its Lease, and runs the pods bound to
 * it through a {@link ContainerRuntime}, reporting their status. Pods are worked one key at a
 * time from a queue; a pod is looked at again when the runtime or a probe may have moved on.
 * Deleting a pod stops its containers within the grace period, then removes the pod object.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration BUSY_RECHECK = Duration.ofMillis(200);
  private static final Duration IDLE_RECHECK = Duration.ofSeconds(10);

  private final Client client;
  private final String nodeName;
  private final ContainerRuntime runtime;
  private final NodeRegistration registration;
  private final Informer pods;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final Map<String, String> uidByKey = new ConcurrentHashMap<>();
  private final Probing probing = new Probing();
  private final java.util.Set<String> reported = ConcurrentHashMap.newKeySet();
  private final EventRecorder events;
  private ScheduledExecutorService heartbeat;

  public NodeAgent(Client client, String nodeName, ContainerRuntime runtime) {
    this.client = client;
    this.nodeName = nodeName;
    this.runtime = runtime;
    this.registration = new NodeRegistration(client, nodeName, runtime.version(), runtime.podCapacity());
    this.events = new EventRecorder(client, "kubelet");
    this.pods = new Informer(client, Types.PODS).onChange((old, pod, deleted) -> {
      if (nodeName.equals(pod.path("spec").path("nodeName").asText())) {
        queue.add(Informer.key(pod));
      }
    });
    this.worker = new Worker("node-" + nodeName, queue, this::syncPod, 4);
  }

  public String nodeName() {
    return nodeName;
  }

  public void start() {
    registration.register();
    registration.renewLease();
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("node-heartbeat").unstarted(r));
    heartbeat.scheduleWithFixedDelay(this::beat, 10, 10, TimeUnit.SECONDS);
    pods.start();
    worker.start();
    Thread.ofVirtual().name("node-cleanup").start(this::removeLeftovers);
  }

  /** Removes what the runtime holds of pods the API no longer binds here (a crash, a deletion while down). */
  private void removeLeftovers() {
    try {
      if (!pods.awaitSynced(60, TimeUnit.SECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      return;
    }
    java.util.Set<String> live = new java.util.HashSet<>();
    for (ObjectNode p : pods.all()) {
      if (nodeName.equals(p.path("spec").path("nodeName").asText())) {
        live.add(Meta.uid(p));
      }
    }
    for (String uid : runtime.podsHeld()) {
      if (!live.contains(uid)) {
        log.info("removing leftovers of pod {}, which no longer runs here", uid);
        runtime.remove(uid);
      }
    }
  }

  private void beat() {
    try {
      registration.renewLease();
      registration.register();
    } catch (RuntimeException e) {
      log.warn("node heartbeat failed: {}", e.getMessage());
    }
  }

  Optional<Duration> syncPod(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode pod = client.find(Types.PODS, ns, name).orElse(null);
    if (pod == null || !nodeName.equals(pod.path("spec").path("nodeName").asText())) {
      String uid = uidByKey.remove(key);
      if (uid != null) {
        runtime.remove(uid);
        probing.forget(uid);
        reported.removeIf(k -> k.startsWith(uid + "/"));
      }
      return Optional.empty();
    }
    String previous = uidByKey.put(key, Meta.uid(pod));
    if (previous != null && !previous.equals(Meta.uid(pod))) {
      runtime.remove(previous);
      probing.forget(previous);
    }
    Instant now = Instant.now();
    if (Meta.isDeleting(pod)) {
      return terminate(pod, now);
    }
    if (pod.path("status").path("phase").asText().equals("Succeeded") || pod.path("status").path("phase").asText().equals("Failed")) {
      return Optional.empty();
    }
    PodObservation obs = runtime.sync(pod, now);
    reportFailures(pod, obs);
    Probing.Verdict readiness = probing.evaluate(pod, obs, runtime, now);
    for (String container : readiness.toKill()) {
      events.warning(pod, "Unhealthy", "Container " + container + " failed its liveness or startup probe, will be restarted");
      runtime.kill(pod, container);
    }
    // compared as stored (nulls dropped), so that an unchanged status is never written again
    ObjectNode status = Json.parseObject(Json.bytes(PodStatusBuilder.build(pod, obs, readiness.ready(), "127.0.0.1", now)));
    if (!status.equals(pod.path("status"))) {
      pod.set("status", status);
      try {
        client.updateStatus(Types.PODS, pod);
      } catch (ApiException e) {
        if (e.code() == 409) {
          return Optional.of(Duration.ZERO);
        }
        if (e.code() != 404) {
          throw e;
        }
      }
    }
    return Optional.of(nextLook(status, readiness, obs.nextChange(), now));
  }

  /** kubelet's "Failed" events for containers that cannot start, once per pod and message (repeats are counted). */
  private void reportFailures(ObjectNode pod, PodObservation obs) {
    for (var c : java.util.stream.Stream.concat(obs.initContainers().stream(), obs.containers().stream()).toList()) {
      if (!c.message().isEmpty() && (c.reason().equals("CreateContainerConfigError") || c.reason().equals("RunContainerError"))
          && reported.add(Meta.uid(pod) + "/" + c.name() + "/" + c.message())) {
        events.warning(pod, "Failed", "Error: " + c.message());
      }
    }
  }

  /** Soon while something is starting or backing off, at the next probe, else a slow resync. */
  private static Duration nextLook(ObjectNode status, Probing.Verdict readiness, Instant runtimeChange, Instant now) {
    boolean settled = status.path("phase").asText().equals("Running")
        && status.path("containerStatuses").findValues("running").size() == status.path("containerStatuses").size();
    Duration next = settled ? IDLE_RECHECK : BUSY_RECHECK;
    for (Instant at : new Instant[] {readiness.nextCheck(), runtimeChange}) {
      if (at != null) {
        Duration until = Duration.between(now, at);
        if (until.compareTo(next) < 0) {
          next = until.isNegative() ? Duration.ZERO : until;
        }
      }
    }
    return next;
  }

  private Optional<Duration> terminate(ObjectNode pod, Instant now) {
    long grace = pod.path("metadata").path("deletionGracePeriodSeconds").asLong(30);
    if (!runtime.stop(pod, grace, now)) {
      return Optional.of(BUSY_RECHECK);
    }
    runtime.remove(Meta.uid(pod));
    try {
      client.delete(Types.PODS, Meta.namespace(pod), Meta.name(pod), new DeleteOptions(0L, null, Meta.uid(pod), null, false));
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
    worker.close();
    pods.close();
  }
}
