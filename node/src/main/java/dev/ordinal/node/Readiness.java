package dev.ordinal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Readiness with Kubernetes' timing: a running container without a readiness probe is ready; with
 * one, the first check runs as soon as {@code initialDelaySeconds} has passed (so an ordered
 * StatefulSet never waits a whole period for nothing), then every {@code periodSeconds}.
 *
 * @param ready per app container
 * @param nextCheck when readiness may change next, or null when only an event can change it
 */
record Readiness(Map<String, Boolean> ready, Instant nextCheck) {

  static Readiness evaluate(ObjectNode pod, PodObservation obs, ContainerRuntime runtime, Instant now) {
    Map<String, Boolean> ready = new HashMap<>();
    Instant next = null;
    for (ContainerState c : obs.containers()) {
      JsonNode spec = containerSpec(pod, c.name());
      JsonNode probe = spec.path("readinessProbe");
      if (c.state() != ContainerState.State.RUNNING) {
        ready.put(c.name(), false);
        continue;
      }
      if (probe.isMissingNode() || probe.isNull()) {
        ready.put(c.name(), true);
        continue;
      }
      Instant firstCheck = c.startedAt().plusSeconds(probe.path("initialDelaySeconds").asLong(0));
      Duration period = Duration.ofSeconds(Math.max(1, probe.path("periodSeconds").asLong(10)));
      if (now.isBefore(firstCheck)) {
        ready.put(c.name(), false);
        next = earlier(next, firstCheck);
        continue;
      }
      ready.put(c.name(), runtime.probe(pod, c.name(), "readiness", now));
      next = earlier(next, now.plus(period));
    }
    return new Readiness(ready, next);
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
