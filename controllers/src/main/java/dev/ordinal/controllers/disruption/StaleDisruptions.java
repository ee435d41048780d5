package dev.ordinal.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.policy.DisruptionBudgets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A DisruptionTarget condition that never turned into a deletion (the eviction's delete failed
 * after the pod was marked) is stale after two minutes and is set back to False, as upstream's
 * disruption controller does. Conditions the node agent set, and those of finished or terminating
 * pods, are never stale. Pure.
 */
final class StaleDisruptions {
  static final Duration TIMEOUT = Duration.ofMinutes(2);

  private StaleDisruptions() {}

  /** How long until the pod's condition is stale (zero: it is now), or empty when it never will be. */
  static Optional<Duration> staleIn(ObjectNode pod, Instant now) {
    if (DisruptionBudgets.isTerminating(pod)) {
      return Optional.empty();
    }
    String phase = pod.path("status").path("phase").asText("");
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      return Optional.empty();
    }
    JsonNode cond = condition(pod);
    if (cond == null || !cond.path("status").asText().equals("True")
        || cond.path("reason").asText().equals("TerminationByKubelet")) {
      return Optional.empty();
    }
    Instant since;
    try {
      since = Instant.parse(cond.path("lastTransitionTime").asText(""));
    } catch (RuntimeException e) {
      since = Instant.EPOCH;
    }
    Duration wait = TIMEOUT.minus(Duration.between(since, now));
    return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
  }

  /** The condition set to False (type and status only, as UpdatePodCondition leaves it), in place. */
  static void reset(ObjectNode pod, Instant now) {
    ObjectNode cond = (ObjectNode) condition(pod);
    if (cond == null) {
      return;
    }
    cond.removeAll();
    cond.put("type", "DisruptionTarget").put("status", "False")
        .put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
  }

  private static JsonNode condition(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("DisruptionTarget")) {
        return c;
      }
    }
    return null;
  }
}
