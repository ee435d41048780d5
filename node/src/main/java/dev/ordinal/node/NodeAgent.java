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
import dev.ordinal.node.runtime.ContainerEvent;
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
 * Nothing of a pod outlives it: what could not be removed at once is retried in the background,
 * leftovers of pods deleted while the agent was down are removed at start, and at stop the
 * deletions under way are finished (within {@link #SHUTDOWN_GRACE}) before the agent lets go.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration BUSY_RECHECK = Duration.ofMillis(200);
  private static final Duration IDLE_RECHECK = Duration.ofSeconds(10);
  /**
   * How long stopping the agent waits for the pods being deleted to stop by themselves before they
   * are killed: a deletion asked for is carried out even when Ordinal is stopped right after it, but
   * a shutdown does not wait out 30-second grace periods.
   */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);
  /**
   * How long a deleted pod's containers are left alone, at most, for the Service rules to stop
   * sending it connections (the endpoints controller and the proxy take some tens of milliseconds;
   * more only when they are stuck, and then stopping goes ahead). Never more than the grace period.
   */
  static final Duration DRAIN_LIMIT = Duration.ofSeconds(2);
  private static final Duration DRAIN_RECHECK = Duration.ofMillis(20);

  private final Client client;
  private final String nodeName;
  private final ContainerRuntime runtime;
  private final ServiceRoutes routes;
  private final NodeRegistration registration;
  private final Informer pods;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final Map<String, String> uidByKey = new ConcurrentHashMap<>();
  private final Probing probing = new Probing();
  private final java.util.Set<String> reported = ConcurrentHashMap.newKeySet();
  /** When this agent first saw each pod it has not yet seen running (kubelet_pod_start_duration_seconds). */
  private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();
  /** Pods whose removal left something behind (a busy cgroup, a failed unmount): tried again on each heartbeat. */
  private final java.util.Set<String> unfinished = ConcurrentHashMap.newKeySet();
  /** Pods whose stop has been announced (Killing events), so that each container's is recorded once. */
  private final java.util.Set<String> stopping = ConcurrentHashMap.newKeySet();
  /** When each deleted pod was first seen deleting, while its traffic drains (see {@link #DRAIN_LIMIT}). */
  private final Map<String, Instant> draining = new ConcurrentHashMap<>();
  private final EventRecorder events;
  private ScheduledExecutorService heartbeat;
  private ScheduledExecutorService fencing;
  private final Host host;
  /** When the Lease was last renewed (System.nanoTime), for self-fencing. */
  private volatile long lastRenewed = System.nanoTime();
  /** Whether this agent has stopped its pods for want of the API (see {@link Host#fencingTimeout()}). */
  private volatile boolean fenced;

  /**
   * Where the agent runs, as its Node says: its address (InternalIP, the pods' hostIP), labels it
   * registers with, its own pod range (null when the control plane assigns one), the port of its
   * API for the API server (0: none, the API server reaches it in-process), and how long it may go
   * without renewing its Lease before it stops its pods (null: never, the one-machine default,
   * where the API server is in the same process). {@code renewed} is told of each renewal (the
   * fencing watchdog's heartbeat file).
   */
  public record Host(String address, Map<String, String> labels, String podCidr, int agentPort, Duration fencingTimeout,
      Runnable renewed) {
    public static final Host LOCAL = new Host("127.0.0.1", Map.of(), null, 0, null, () -> { });
  }

  public NodeAgent(Client client, String nodeName, ContainerRuntime runtime) {
    this(client, nodeName, runtime, ServiceRoutes.NONE);
  }

  /** @param routes what the node's Service rules send traffic to: a deleted pod is stopped once they no longer reach it */
  public NodeAgent(Client client, String nodeName, ContainerRuntime runtime, ServiceRoutes routes) {
    this(client, nodeName, runtime, routes, Host.LOCAL);
  }

  /** As {@link #NodeAgent(Client, String, ContainerRuntime, ServiceRoutes)}, on a host described by {@code host}. */
  public NodeAgent(Client client, String nodeName, ContainerRuntime runtime, ServiceRoutes routes, Host host) {
    this.host = host;
    this.client = client;
    this.nodeName = nodeName;
    this.runtime = runtime;
    this.routes = routes;
    this.registration = new NodeRegistration(client, nodeName, runtime.version(), runtime.podCapacity(), host);
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
    renew();
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("node-heartbeat").unstarted(r));
    heartbeat.scheduleWithFixedDelay(this::beat, 10, 10, TimeUnit.SECONDS);
    if (host.fencingTimeout() != null) {
      // apart from the heartbeat, which may be held up in a request to an unreachable server
      fencing = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("node-fencing").unstarted(r));
      fencing.scheduleWithFixedDelay(this::fenceIfDue, 1, 1, TimeUnit.SECONDS);
    }
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
      if (!live.contains(uid) && !uidByKey.containsValue(uid)) {
        log.info("removing leftovers of pod {}, which no longer runs here", uid);
        removePod(uid);
      }
    }
    runtime.removeOrphans(live);
  }

  /**
   * Self-fencing: once the Lease has gone unrenewed for the fencing timeout, the control plane may
   * take this node for lost and start the pods elsewhere, so they stop here first, and stay stopped
   * (syncs do nothing) until the API answers again. The timeout is shorter than the control
   * plane's grace period (see {@code NodeLifecyclePlanner}).
   */
  private void fenceIfDue() {
    Duration timeout = host.fencingTimeout();
    if (timeout == null || fenced || System.nanoTime() - lastRenewed < timeout.toNanos()) {
      return;
    }
    fenced = true;
    log.warn("the Lease has not been renewed for {} s: stopping every pod of this node until the API answers again", timeout.toSeconds());
    for (String uid : runtime.podsHeld()) {
      removePod(uid);
    }
  }

  /** Whether the agent has stopped its pods and keeps them stopped (the API has been out of reach). */
  public boolean fenced() {
    return fenced;
  }

  /** Removes what the runtime holds of a pod; what is left is tried again later. */
  private void removePod(String uid) {
    if (runtime.remove(uid)) {
      unfinished.remove(uid);
    } else {
      unfinished.add(uid);
    }
  }

  private void renew() {
    registration.renewLease();
    lastRenewed = System.nanoTime();
    host.renewed().run();
  }

  private void beat() {
    try {
      renew();
      registration.register();
      if (fenced) {
        fenced = false;
        log.warn("the API is reachable again: pods bound here may run again");
        pods.all().forEach(p -> {
          if (nodeName.equals(p.path("spec").path("nodeName").asText())) {
            queue.add(Informer.key(p));
          }
        });
      }
    } catch (RuntimeException e) {
      log.warn("node heartbeat failed: {}", e.getMessage());
      fenceIfDue();
    }
    for (String uid : java.util.List.copyOf(unfinished)) {
      if (!uidByKey.containsValue(uid)) {
        removePod(uid);
      }
    }
  }

  Optional<Duration> syncPod(String key) {
    if (fenced) {
      String uid = uidByKey.remove(key);
      if (uid != null) {
        removePod(uid);
        forget(uid);
      }
      return Optional.of(Duration.ofSeconds(1));
    }
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode pod = client.find(Types.PODS, ns, name).orElse(null);
    if (pod == null || !nodeName.equals(pod.path("spec").path("nodeName").asText())) {
      String uid = uidByKey.remove(key);
      if (uid != null) {
        forget(uid);
      }
      return Optional.empty();
    }
    String previous = uidByKey.put(key, Meta.uid(pod));
    if (previous != null && !previous.equals(Meta.uid(pod))) {
      forget(previous);
    }
    Instant now = Instant.now();
    if (Meta.isDeleting(pod)) {
      return terminate(pod, now);
    }
    if (pod.path("status").path("phase").asText().equals("Succeeded") || pod.path("status").path("phase").asText().equals("Failed")) {
      return Optional.empty();
    }
    if (!pod.path("status").has("containerStatuses")) {
      // first look: say the containers are being created before the runtime takes its time doing it,
      // as kubelet does (kubectl get pods -w shows ContainerCreating, then Running)
      firstSeen.putIfAbsent(Meta.uid(pod), now);
      Optional<Duration> retry = writeStatus(pod, PodStatusBuilder.build(pod,
          PodObservation.nothingYet(pod.path("spec").path("initContainers").isEmpty()), Map.of(), host.address(), now));
      if (retry.isPresent()) {
        return retry;
      }
      now = Instant.now();
    }
    // a resize beyond this machine is not applied: the runtime is given the pod as allocated
    String infeasible = PodResizeStatus.infeasible(pod, Runtime.getRuntime().availableProcessors() * 1000L, MachineMemory.totalBytes());
    ObjectNode allocated = infeasible == null ? pod : PodResizeStatus.asAllocated(pod);
    PodObservation obs = runtime.sync(allocated, now);
    record(pod, obs.events());
    reportFailures(pod, obs);
    Probing.Verdict readiness = probing.evaluate(allocated, obs, runtime, now);
    record(pod, readiness.events());
    for (String container : readiness.toKill()) {
      runtime.kill(pod, container);
    }
    ObjectNode status = PodStatusBuilder.build(allocated, obs, readiness.ready(), host.address(), now);
    if (infeasible != null) {
      PodResizeStatus.pending(status, pod.path("status"), infeasible, now);
    }
    if (status.path("phase").asText().equals("Running")) {
      Instant seen = firstSeen.remove(Meta.uid(pod));
      if (seen != null) {
        dev.ordinal.node.metrics.AgentMetrics.podStarted(Duration.between(seen, Instant.now()));
      }
    }
    Optional<Duration> retry = writeStatus(pod, status);
    return retry.isPresent() ? retry : Optional.of(nextLook(status, readiness, obs.nextChange(), now));
  }


  /** Writes the pod's status if it changed; a retry delay when it must be looked at again first. */
  private Optional<Duration> writeStatus(ObjectNode pod, ObjectNode built) {
    // compared as stored (nulls dropped), so that an unchanged status is never written again
    ObjectNode status = Json.parseObject(Json.bytes(built));
    if (status.equals(pod.path("status"))) {
      return Optional.empty();
    }
    pod.set("status", status);
    try {
      ObjectNode written = client.updateStatus(Types.PODS, pod);
      pod.with("metadata").put("resourceVersion", Meta.resourceVersion(written));
    } catch (ApiException e) {
      if (e.code() == 409) {
        return Optional.of(Duration.ZERO);
      }
      if (e.code() != 404) {
        throw e;
      }
    }
    return Optional.empty();
  }

  /** kubelet's container events, in the order they happened, each naming its container. */
  private void record(ObjectNode pod, java.util.List<ContainerEvent> happened) {
    for (ContainerEvent e : happened) {
      events.record(pod, e.fieldPath(), e.type(), e.reason(), e.message());
    }
  }

  /** Forgets a pod that no longer runs here, and removes what the runtime holds of it. */
  private void forget(String uid) {
    firstSeen.remove(uid);
    removePod(uid);
    probing.forget(uid);
    reported.removeIf(k -> k.startsWith(uid + "/"));
    stopping.remove(uid);
    draining.remove(uid);
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
    if (stillRouted(pod, grace, now)) {
      return Optional.of(DRAIN_RECHECK);
    }
    return terminate(pod, grace, now) ? Optional.empty() : Optional.of(BUSY_RECHECK);
  }

  /**
   * Whether a deleted pod's containers should wait before they are told to stop: the Service rules
   * still send it new connections, and it has waited less than {@link #DRAIN_LIMIT} (and its grace
   * period). A pod leaves its Services' endpoints as soon as it is deleting; stopping nginx before
   * the rules follow would refuse, or (once its network is gone) hang, the connections sent in between.
   */
  private boolean stillRouted(ObjectNode pod, long grace, Instant now) {
    String ip = pod.path("status").path("podIP").asText("");
    String uid = Meta.uid(pod);
    if (ip.isEmpty() || stopping.contains(uid)) {
      return false;
    }
    Instant since = draining.computeIfAbsent(uid, u -> now);
    Duration limit = Duration.ofSeconds(grace).compareTo(DRAIN_LIMIT) < 0 ? Duration.ofSeconds(grace) : DRAIN_LIMIT;
    if (now.isBefore(since.plus(limit)) && routes.routesTo(ip)) {
      return true;
    }
    draining.remove(uid);
    return false;
  }

  /** Stops the deleted pod's containers and, once they have stopped, removes it and its object; true when done. */
  private boolean terminate(ObjectNode pod, long grace, Instant now) {
    if (stopping.add(Meta.uid(pod))) {
      for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
        for (var c : pod.path("status").path(list)) {
          if (c.path("state").has("running")) {
            ContainerEvent e = ContainerEvent.killing(c.path("name").asText(), list.startsWith("init"));
            events.record(pod, e.fieldPath(), e.type(), e.reason(), e.message());
          }
        }
      }
    }
    if (!runtime.stop(pod, grace, now)) {
      return false;
    }
    removePod(Meta.uid(pod));
    stopping.remove(Meta.uid(pod));
    probing.forget(Meta.uid(pod));
    try {
      client.delete(Types.PODS, Meta.namespace(pod), Meta.name(pod), new DeleteOptions(0L, null, Meta.uid(pod), null, false));
    } catch (ApiException e) {
      if (e.code() != 404 && e.code() != 409) {
        throw e;
      }
    }
    return true;
  }

  /**
   * Stops the agent. Syncs under way finish first (an interrupted one could leave a half-made
   * sandbox); then deletions under way are carried out — containers get what is left of their grace
   * period, at most {@link #SHUTDOWN_GRACE}, then are killed — and what is held of pods that are gone
   * is removed. Running pods keep running (conmon holds them) and are picked up at the next start.
   */
  @Override
  public void close() {
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
    if (fencing != null) {
      fencing.shutdownNow();
    }
    worker.stop(SHUTDOWN_GRACE);
    try {
      finishDeletions();
    } catch (RuntimeException e) {
      log.warn("finishing pod deletions at shutdown: {}", e.getMessage());
    }
    pods.close();
  }

  private void finishDeletions() {
    boolean synced;
    try {
      synced = pods.awaitSynced(0, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!synced) {
      return; // without the API's view nothing here is known to be gone
    }
    java.util.List<ObjectNode> deleting = new java.util.ArrayList<>();
    java.util.Set<String> live = new java.util.HashSet<>();
    for (ObjectNode p : pods.all()) {
      if (!nodeName.equals(p.path("spec").path("nodeName").asText())) {
        continue;
      }
      if (Meta.isDeleting(p)) {
        deleting.add(p.deepCopy());
      } else {
        live.add(Meta.uid(p));
      }
    }
    Instant deadline = Instant.now().plus(SHUTDOWN_GRACE);
    while (!deleting.isEmpty()) {
      Instant now = Instant.now();
      // past the deadline a zero grace period makes the runtime kill what still runs
      boolean late = !now.isBefore(deadline);
      deleting.removeIf(p -> terminate(p, late ? 0 : p.path("metadata").path("deletionGracePeriodSeconds").asLong(30), now));
      if (!deleting.isEmpty()) {
        if (now.isAfter(deadline.plusSeconds(5))) {
          log.warn("{} pods did not stop at shutdown; they are removed at the next start", deleting.size());
          break;
        }
        try {
          Thread.sleep(BUSY_RECHECK.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    for (String uid : runtime.podsHeld()) {
      if (!live.contains(uid)) {
        removePod(uid);
      }
    }
  }
}
