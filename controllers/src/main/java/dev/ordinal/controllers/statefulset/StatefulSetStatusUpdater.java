package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.time.Instant;
import java.util.List;

/** Computes a set's status from its replicas and writes it when a counted field changed. */
public final class StatefulSetStatusUpdater {
  private final Client client;

  public StatefulSetStatusUpdater(Client client) {
    this.client = client;
  }

  /** The status as Kubernetes computes it (see statefulset-behaviour.md, "Status"). */
  public static ObjectNode compute(ObjectNode set, List<ObjectNode> pods, String currentRevision, String updateRevision,
      long collisionCount, Instant now) {
    long minReady = set.path("spec").path("minReadySeconds").asLong(0);
    int replicas = 0;
    int ready = 0;
    int available = 0;
    int current = 0;
    int updated = 0;
    for (ObjectNode pod : pods) {
      if (!PodState.isCreated(pod)) {
        continue;
      }
      replicas++;
      if (PodState.isRunningAndReady(pod)) {
        ready++;
        if (PodState.isAvailable(pod, minReady, now)) {
          available++;
        }
      }
      if (!PodState.isTerminating(pod)) {
        String rev = StatefulSetIdentity.revisionOf(pod);
        if (rev.equals(currentRevision)) {
          current++;
        }
        if (rev.equals(updateRevision)) {
          updated++;
        }
      }
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", set.path("metadata").path("generation").asLong(0));
    status.put("replicas", replicas).put("readyReplicas", ready).put("currentReplicas", current);
    status.put("updatedReplicas", updated).put("availableReplicas", available);
    String currentRev = currentRevision;
    boolean rolling = set.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate");
    int specReplicas = set.path("spec").path("replicas").asInt(1);
    if (rolling && updated == replicas && ready == replicas && replicas == specReplicas) {
      currentRev = updateRevision;
      status.put("currentReplicas", updated);
    }
    status.put("currentRevision", currentRev).put("updateRevision", updateRevision).put("collisionCount", collisionCount);
    return status;
  }

  /** Writes the status unless it is what the set already says. Retries on a conflict. */
  public void write(ObjectNode set, ObjectNode status) {
    if (sameCounts(set.path("status"), status)) {
      return;
    }
    for (int attempt = 0; attempt < 5; attempt++) {
      ObjectNode latest = attempt == 0 ? set.deepCopy() : client.get(Types.STATEFUL_SETS, Meta.namespace(set), Meta.name(set));
      JsonNode conditions = latest.path("status").path("conditions");
      ObjectNode next = status.deepCopy();
      if (conditions.isArray()) {
        next.set("conditions", conditions);
      }
      latest.set("status", next);
      try {
        client.updateStatus(Types.STATEFUL_SETS, latest);
        return;
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
    }
  }

  private static boolean sameCounts(JsonNode old, ObjectNode status) {
    for (String f : List.of("observedGeneration", "replicas", "readyReplicas", "currentReplicas", "updatedReplicas",
        "availableReplicas", "currentRevision", "updateRevision", "collisionCount")) {
      if (!old.path(f).asText().equals(status.path(f).asText())) {
        return false;
      }
    }
    return true;
  }
}
