package dev.ordinal.node.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.node.runtime.ContainerEvent;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import dev.ordinal.node.runtime.ProcessIdentity;
import dev.ordinal.node.runtime.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ContainerRuntime} that runs nothing: containers start, run, exit and restart in
 * memory, on the schedule the pod's {@code sim.ordinal.dev/*} annotations give, so controllers,
 * the scheduler and the agent can be exercised and measured quickly. Pod IPs come from
 * 10.88.0.0/16 like the real bridge network's, one per pod.
 */
public final class SimulatedRuntime implements ContainerRuntime {
  private final Duration backOffBase;
  private final Duration backOffMax;
  private final Map<String, SimulatedPod> pods = new ConcurrentHashMap<>();
  private final AtomicInteger nextIp = new AtomicInteger(2);
  private final AtomicInteger nextId = new AtomicInteger(1);

  /** Kubernetes' back-off: 10 s doubling to 5 min. */
  public SimulatedRuntime() {
    this(Duration.ofSeconds(10), Duration.ofMinutes(5));
  }

  /** A shorter back-off for tests. */
  public SimulatedRuntime(Duration backOffBase, Duration backOffMax) {
    this.backOffBase = backOffBase;
    this.backOffMax = backOffMax;
  }

  private static final class SimulatedPod {
    final String ip;
    final Instant created;
    final Map<String, SimulatedContainer> init = new LinkedHashMap<>();
    final Map<String, SimulatedContainer> app = new LinkedHashMap<>();
    final Map<String, SimulatedContainer> ephemeral = new LinkedHashMap<>();
    Instant stopRequested;

    SimulatedPod(String ip, Instant created) {
      this.ip = ip;
      this.created = created;
    }
  }

  @Override
  public PodObservation sync(ObjectNode pod, Instant now) {
    SimulatedBehaviour b = SimulatedBehaviour.of(pod);
    SimulatedPod p = pods.computeIfAbsent(Meta.uid(pod), uid -> new SimulatedPod(allocateIp(), now));
    String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
    boolean initialized = true;
    List<ContainerEvent> events = new ArrayList<>();
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      SimulatedContainer sc = p.init.computeIfAbsent(c.path("name").asText(), n -> container(n, now));
      if (refused(pod, c, sc)) {
        initialized = false;
        break;
      }
      advance(pod, c, true, sc, now, p.created.plus(b.startupDelay()), Duration.ZERO, b.initFails() ? 1 : 0,
          restartPolicy.equals("Always") ? "OnFailure" : restartPolicy, events);
      if (!(sc.state == ContainerState.State.TERMINATED && sc.exitCode == 0)) {
        initialized = false;
        break;
      }
    }
    if (initialized && p.stopRequested == null) {
      for (JsonNode c : pod.path("spec").path("containers")) {
        SimulatedContainer sc = p.app.computeIfAbsent(c.path("name").asText(), n -> container(n, now));
        if (refused(pod, c, sc)) {
          continue;
        }
        String image = c.path("image").asText();
        if (sc.image != null && !sc.image.equals(image) && sc.startedAt != null) {
          events.add(ContainerEvent.killingForDefinitionChange(sc.name, false));
          sc.replace(Integer.toHexString(nextId.getAndIncrement()), image, now);
          events.add(ContainerEvent.pulled(sc.name, false, image));
          events.add(ContainerEvent.created(sc.name, false));
          events.add(ContainerEvent.started(sc.name, false));
        }
        advance(pod, c, false, sc, now, p.created.plus(b.startupDelay()), b.exitAfter(), b.exitCode(), restartPolicy, events);
      }
    }
    if (initialized && p.stopRequested == null) {
      // kubectl debug's containers: started at once, never restarted, running until the pod stops
      for (JsonNode c : pod.path("spec").path("ephemeralContainers")) {
        SimulatedContainer sc = p.ephemeral.computeIfAbsent(c.path("name").asText(), n -> container(n, now));
        advance(pod, c, false, sc, now, now, null, 0, "Never", events);
      }
    }
    Instant next = null;
    for (SimulatedContainer c : p.app.values()) {
      next = earlier(next, c.state == ContainerState.State.RUNNING && b.exitAfter() != null ? c.startedAt.plus(b.exitAfter()) : null);
      next = earlier(next, c.restartAt);
      next = earlier(next, c.state == ContainerState.State.WAITING && c.startedAt == null && c.message.isEmpty()
          ? p.created.plus(b.startupDelay()) : null);
    }
    for (SimulatedContainer c : p.init.values()) {
      next = earlier(next, c.restartAt);
    }
    return new PodObservation(p.ip, snapshot(p.init), snapshot(p.app), initialized, next, events, snapshot(p.ephemeral));
  }

  /**
   * kubelet's runAsNonRoot check, the same decision the runc runtime makes; with no image to ask,
   * only an explicit {@code runAsUser: 0} is refused.
   */
  private static boolean refused(ObjectNode pod, JsonNode spec, SimulatedContainer c) {
    if (c.state != ContainerState.State.WAITING || c.startedAt != null) {
      return false;
    }
    try {
      ProcessIdentity.verifyRunAsNonRoot(pod, spec, ProcessIdentity.ImageUser.UNKNOWN);
      return false;
    } catch (ProcessIdentity.Refused e) {
      c.refuse(e.getMessage());
      return true;
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return b == null ? a : a == null || b.isBefore(a) ? b : a;
  }

  /**
   * Moves one container along: start when due, exit when its run is over, restart after back-off;
   * what a kubelet would report of it goes into {@code events}.
   */
  private void advance(ObjectNode pod, JsonNode spec, boolean init, SimulatedContainer c, Instant now, Instant startAt, Duration runFor,
      int exitCode, String restartPolicy, List<ContainerEvent> events) {
    boolean due = c.state == ContainerState.State.WAITING && (c.restartAt == null ? !now.isBefore(startAt) : !now.isBefore(c.restartAt));
    if (due) {
      if (c.restartAt != null) {
        c.restarts++;
        c.restartAt = null;
      }
      c.run(now);
      c.image = spec.path("image").asText();
      events.add(ContainerEvent.pulled(c.name, init, spec.path("image").asText()));
      events.add(ContainerEvent.created(c.name, init));
      events.add(ContainerEvent.started(c.name, init));
    }
    if (c.state == ContainerState.State.RUNNING && runFor != null && !now.isBefore(c.startedAt.plus(runFor))) {
      c.exit(c.startedAt.plus(runFor), exitCode);
    }
    if (c.state == ContainerState.State.TERMINATED) {
      boolean restart = restartPolicy.equals("Always") || (restartPolicy.equals("OnFailure") && c.exitCode != 0);
      if (restart) {
        c.backOff(now, backOffBase, backOffMax);
        events.add(ContainerEvent.backOff(c.name, init, pod));
      }
    }
  }

  private SimulatedContainer container(String name, Instant now) {
    return new SimulatedContainer(name, Integer.toHexString(nextId.getAndIncrement()), now);
  }

  private String allocateIp() {
    int n = nextIp.getAndIncrement();
    return "10.88." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  private static List<ContainerState> snapshot(Map<String, SimulatedContainer> containers) {
    List<ContainerState> out = new ArrayList<>();
    containers.values().forEach(c -> out.add(c.snapshot()));
    return out;
  }

  @Override
  public ProbeResult probe(ObjectNode pod, String container, String kind, Instant now) {
    return kind.equals("readiness") && SimulatedBehaviour.of(pod).neverReady()
        ? ProbeResult.failed("simulated failure (" + SimulatedBehaviour.PREFIX + "never-ready)") : ProbeResult.PASSED;
  }

  @Override
  public void kill(ObjectNode pod, String container) {
    SimulatedPod p = pods.get(Meta.uid(pod));
    SimulatedContainer c = p == null ? null : p.app.get(container);
    if (c != null && c.state == ContainerState.State.RUNNING) {
      c.exit(Instant.now(), 137);
    }
  }

  @Override
  public boolean stop(ObjectNode pod, long gracePeriodSeconds, Instant now) {
    SimulatedPod p = pods.get(Meta.uid(pod));
    if (p == null) {
      return true;
    }
    if (p.stopRequested == null) {
      p.stopRequested = now;
    }
    Duration delay = SimulatedBehaviour.of(pod).stopDelay();
    Duration grace = Duration.ofSeconds(gracePeriodSeconds);
    boolean done = !now.isBefore(p.stopRequested.plus(delay.compareTo(grace) < 0 ? delay : grace));
    if (done) {
      for (SimulatedContainer c : p.app.values()) {
        if (c.state != ContainerState.State.TERMINATED) {
          c.exit(now, delay.compareTo(grace) <= 0 ? 0 : 137);
        }
      }
    }
    return done;
  }

  @Override
  public boolean remove(String podUid) {
    pods.remove(podUid);
    return true;
  }

  /** Simulated pods cost nothing but their API objects. */
  @Override
  public int podCapacity() {
    return 10_000;
  }

  @Override
  public String version() {
    return "simulated://0.1";
  }
}
