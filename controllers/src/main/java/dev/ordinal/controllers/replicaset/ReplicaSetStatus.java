package dev.ordinal.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.PodReadiness;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A ReplicaSet's status from its pods, as upstream's {@code calculateStatus}. Pure. */
public final class ReplicaSetStatus {
  private ReplicaSetStatus() {}

  /**
   * @param active the claimed active pods
   * @param failure the error of this pass's creations or deletions ("FailedCreate" or
   *     "FailedDelete" and its message), or null: sets or clears the ReplicaFailure condition
   */
  public static ObjectNode compute(ObjectNode owner, List<ObjectNode> active, String[] failure, Instant now) {
    long minReady = owner.path("spec").path("minReadySeconds").asLong(0);
    Map<String, String> templateLabels = new java.util.HashMap<>();
    owner.path("spec").path("template").path("metadata").path("labels").fields()
        .forEachRemaining(e -> templateLabels.put(e.getKey(), e.getValue().asText()));
    int fullyLabeled = 0;
    int ready = 0;
    int available = 0;
    for (ObjectNode pod : active) {
      if (Meta.labels(pod).entrySet().containsAll(templateLabels.entrySet())) {
        fullyLabeled++;
      }
      if (PodReadiness.isReady(pod)) {
        ready++;
        if (PodReadiness.isAvailable(pod, minReady, now)) {
          available++;
        }
      }
    }
    ObjectNode status = Json.object();
    status.put("replicas", active.size()).put("fullyLabeledReplicas", fullyLabeled).put("readyReplicas", ready)
        .put("availableReplicas", available).put("observedGeneration", owner.path("metadata").path("generation").asLong(0));
    ArrayNode conditions = Json.object().arrayNode();
    JsonNode old = owner.path("status").path("conditions");
    boolean hadFailure = false;
    for (JsonNode c : old) {
      if (c.path("type").asText().equals("ReplicaFailure")) {
        hadFailure = true;
        if (failure != null) {
          conditions.add(c);
        }
      } else {
        conditions.add(c);
      }
    }
    if (failure != null && !hadFailure) {
      conditions.addObject().put("type", "ReplicaFailure").put("status", "True")
          .put("lastTransitionTime", Meta.timestamp(now)).put("reason", failure[0]).put("message", failure[1]);
    }
    if (!conditions.isEmpty()) {
      status.set("conditions", conditions);
    }
    return status;
  }

  /** Whether writing {@code status} would change what the owner says. */
  public static boolean differs(ObjectNode owner, ObjectNode status) {
    JsonNode old = owner.path("status");
    for (String f : List.of("replicas", "fullyLabeledReplicas", "readyReplicas", "availableReplicas", "observedGeneration")) {
      if (old.path(f).asLong(0) != status.path(f).asLong(0)) {
        return true;
      }
    }
    JsonNode a = old.path("conditions");
    JsonNode b = status.path("conditions");
    return !(a.isEmpty() && b.isEmpty()) && !a.equals(b);
  }
}
