package dev.ordinal.apiserver.eviction;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The DisruptionTarget condition an evicted pod carries while it terminates (Kubernetes 1.31+). */
final class PodConditions {
  private PodConditions() {}

  /** Sets DisruptionTarget True with reason EvictionByEvictionAPI; the transition time changes with the status. */
  static void setDisruptionTarget(ObjectNode pod, Instant now) {
    ObjectNode status = pod.with("status");
    ArrayNode conditions = status.path("conditions").isArray() ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    ObjectNode cond = null;
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals("DisruptionTarget")) {
        cond = (ObjectNode) c;
      }
    }
    if (cond == null) {
      cond = conditions.addObject().put("type", "DisruptionTarget");
    }
    if (!cond.path("status").asText().equals("True")) {
      cond.put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    cond.put("status", "True").put("reason", "EvictionByEvictionAPI").put("message", "Eviction API: evicting");
  }
}
