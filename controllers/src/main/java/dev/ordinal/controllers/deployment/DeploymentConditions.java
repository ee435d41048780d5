package dev.ordinal.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Instant;

/** A Deployment status's conditions, kept as upstream's deploymentutil keeps them. Pure. */
final class DeploymentConditions {
  static final String PROGRESSING = "Progressing";
  static final String AVAILABLE = "Available";
  static final String REPLICA_FAILURE = "ReplicaFailure";
  static final String NEW_RS_CREATED = "NewReplicaSetCreated";
  static final String FOUND_NEW_RS = "FoundNewReplicaSet";
  static final String RS_UPDATED = "ReplicaSetUpdated";
  static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
  static final String TIMED_OUT = "ProgressDeadlineExceeded";
  static final String PAUSED = "DeploymentPaused";
  static final String RESUMED = "DeploymentResumed";
  static final String MIN_AVAILABLE = "MinimumReplicasAvailable";
  static final String MIN_UNAVAILABLE = "MinimumReplicasUnavailable";

  private DeploymentConditions() {}

  static ObjectNode get(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return (ObjectNode) c;
      }
    }
    return null;
  }

  static ObjectNode condition(String type, String status, String reason, String message, Instant now) {
    ObjectNode c = dev.ordinal.api.Json.object();
    c.put("type", type).put("status", status).put("lastUpdateTime", Meta.timestamp(now))
        .put("lastTransitionTime", Meta.timestamp(now)).put("reason", reason).put("message", message);
    return c;
  }

  /**
   * Sets a condition; one of the same status and reason is left as it is; one of the same status
   * keeps its lastTransitionTime (SetDeploymentCondition).
   */
  static void set(ObjectNode status, ObjectNode c) {
    ObjectNode current = get(status, c.path("type").asText());
    if (current != null && current.path("status").equals(c.path("status")) && current.path("reason").equals(c.path("reason"))) {
      return;
    }
    if (current != null && current.path("status").equals(c.path("status"))) {
      c.set("lastTransitionTime", current.path("lastTransitionTime"));
    }
    remove(status, c.path("type").asText());
    status.withArray("conditions").add(c);
  }

  static void remove(ObjectNode status, String type) {
    JsonNode conditions = status.path("conditions");
    if (!(conditions instanceof ArrayNode a)) {
      return;
    }
    for (int i = a.size() - 1; i >= 0; i--) {
      if (a.get(i).path("type").asText().equals(type)) {
        a.remove(i);
      }
    }
    if (a.isEmpty()) {
      status.remove("conditions");
    }
  }
}
