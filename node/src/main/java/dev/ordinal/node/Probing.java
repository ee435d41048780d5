package dev.ordinal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
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
  /** What the probes decided for a pod at one look. */
  record Verdict(Map<String, Boolean> ready, Instant nextCheck, List<String> toKill) {}

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
        State s = run(pod, c, startup, "startup", id, runtime, now);
        next = earlier(next, due(c, startup, s));
        if (!s.passed) {
          if (s.failures >= threshold(startup, "failureThreshold", 3)) {
            toKill.add(c.name());
          }
          ready.put(c.name(), false);
          continue;
        }
      }
      JsonNode liveness = spec.path("livenessProbe");
      if (liveness.isObject()) {
        State s = run(pod, c, liveness, "liveness", id, runtime, now);
        next = earlier(next, due(c, liveness, s));
        if (s.failures >= threshold(liveness, "failureThreshold", 3)) {
          toKill.add(c.name());
        }
      }
      JsonNode readiness = spec.path("readinessProbe");
      if (!readiness.isObject()) {
        ready.put(c.name(), true);
        continue;
      }
      State s = run(pod, c, readiness, "readiness", id, runtime, now);
      next = earlier(next, due(c, readiness, s));
      ready.put(c.name(), s.passed);
    }
    return new Verdict(ready, next, toKill);
  }

  /** Runs the probe if it is due, and returns its state. */
  private State run(ObjectNode pod, ContainerState c, JsonNode probe, String kind, String id, ContainerRuntime runtime, Instant now) {
    State s = states.computeIfAbsent(new Key(dev.ordinal.apiserver.registry.Meta.uid(pod), id, kind), k -> new State());
    Instant due = due(c, probe, s);
    if (now.isBefore(due) || (kind.equals("startup") && s.passed)) {
      return s;
    }
    s.lastRun = now;
    if (runtime.probe(pod, c.name(), kind, now)) {
      s.failures = 0;
      s.successes++;
      if (s.successes >= threshold(probe, "successThreshold", 1)) {
        s.passed = true;
      }
    } else {
      s.successes = 0;
      s.failures++;
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
