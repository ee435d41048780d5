package dev.ordinal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.node.runtime.ContainerEvent;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import dev.ordinal.node.runtime.ProbeResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The three probes with Kubernetes' rules, per container run: the startup probe, until it passes,
 * holds the others back and kills the container after {@code failureThreshold} failures; the
 * liveness probe kills it after {@code failureThreshold} consecutive failures; the readiness
 * probe makes it ready after {@code successThreshold} passes and unready after
 * {@code failureThreshold} failures (without a probe a running container is ready). Each probe
 * first runs as soon as {@code initialDelaySeconds} has passed — so an ordered StatefulSet never
 * waits a whole period for nothing — then every {@code periodSeconds}, whatever the events.
 */
final class Probing {
  /**
   * What the probes decided for a pod at one look.
   *
   * @param events kubelet's Unhealthy event for each failed probe run, and Killing for each container to kill
   */
  record Verdict(Map<String, Boolean> ready, Instant nextCheck, List<String> toKill, List<ContainerEvent> events) {}

  private record Key(String podUid, String containerId, String kind) {}

  private static final class State {
    Instant lastRun;
    int failures;
    int successes;
    boolean passed;
  }

  private final Map<Key, State> states = new ConcurrentHashMap<>();

  Verdict evaluate(ObjectNode pod, PodObservation obs, ContainerRuntime runtime, Instant now) {
    Map<String, Boolean> ready = new HashMap<>();
    List<String> toKill = new ArrayList<>();
    List<ContainerEvent> events = new ArrayList<>();
    Instant next = null;
    for (ContainerState c : obs.containers()) {
      if (c.state() != ContainerState.State.RUNNING) {
        ready.put(c.name(), false);
        continue;
      }
      JsonNode spec = containerSpec(pod, c.name());
      String id = c.containerId().isEmpty() ? c.name() + "#" + c.restartCount() : c.containerId();
      JsonNode startup = spec.path("startupProbe");
      if (startup.isObject()) {
        State s = run(pod, c, startup, "startup", id, runtime, now, events);
        next = earlier(next, due(c, startup, s));
        if (!s.passed) {
          if (s.failures >= threshold(startup, "failureThreshold", 3)) {
            toKill.add(c.name());
            events.add(ContainerEvent.killingForProbe(c.name(), "startup"));
          }
          ready.put(c.name(), false);
          continue;
        }
      }
      JsonNode liveness = spec.path("livenessProbe");
      if (liveness.isObject()) {
        State s = run(pod, c, liveness, "liveness", id, runtime, now, events);
        next = earlier(next, due(c, liveness, s));
        if (s.failures >= threshold(liveness, "failureThreshold", 3) && !toKill.contains(c.name())) {
          toKill.add(c.name());
          events.add(ContainerEvent.killingForProbe(c.name(), "liveness"));
        }
      }
      JsonNode readiness = spec.path("readinessProbe");
      if (!readiness.isObject()) {
        ready.put(c.name(), true);
        continue;
      }
      State s = run(pod, c, readiness, "readiness", id, runtime, now, events);
      next = earlier(next, due(c, readiness, s));
      ready.put(c.name(), s.passed);
    }
    return new Verdict(ready, next, toKill, events);
  }

  /** Runs the probe if it is due, and returns its state. */
  private State run(ObjectNode pod, ContainerState c, JsonNode probe, String kind, String id, ContainerRuntime runtime, Instant now,
      List<ContainerEvent> events) {
    State s = states.computeIfAbsent(new Key(dev.ordinal.apiserver.registry.Meta.uid(pod), id, kind), k -> new State());
    Instant due = due(c, probe, s);
    if (now.isBefore(due) || (kind.equals("startup") && s.passed)) {
      return s;
    }
    s.lastRun = now;
    ProbeResult result = runtime.probe(pod, c.name(), kind, now);
    if (result.passed()) {
      s.failures = 0;
      s.successes++;
      if (s.successes >= threshold(probe, "successThreshold", 1)) {
        s.passed = true;
      }
    } else {
      s.successes = 0;
      s.failures++;
      // every failed run, as kubelet's prober records them (repeats are counted on one Event)
      events.add(ContainerEvent.unhealthy(c.name(), Character.toUpperCase(kind.charAt(0)) + kind.substring(1), result.output()));
      if (!kind.equals("startup") && s.failures >= threshold(probe, "failureThreshold", 3)) {
        s.passed = false;
      }
    }
    return s;
  }

  private static Instant due(ContainerState c, JsonNode probe, State s) {
    if (s.lastRun == null) {
      return c.startedAt().plusSeconds(probe.path("initialDelaySeconds").asLong(0));
    }
    return s.lastRun.plus(Duration.ofSeconds(Math.max(1, probe.path("periodSeconds").asLong(10))));
  }

  private static int threshold(JsonNode probe, String field, int dflt) {
    return Math.max(1, probe.path(field).asInt(dflt));
  }

  /** Forgets a removed pod's probes (a restarted container starts afresh by its new id). */
  void forget(String podUid) {
    states.keySet().removeIf(k -> k.podUid().equals(podUid));
  }

  private static JsonNode containerSpec(ObjectNode pod, String name) {
    for (JsonNode c : pod.path("spec").path("containers")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    return pod.objectNode();
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }
}
