package dev.ordinal.scheduler.daemonset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.PodReadiness;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A DaemonSet's status as upstream's {@code updateDaemonSetStatus} counts it, per node: desired
 * (should run), current (should run and has a pod), ready and available (the oldest pod there),
 * updated (that pod is at the current revision), misscheduled (has a pod and should not).
 * Terminating and finished pods are not counted. Pure.
 */
public final class DaemonSetStatus {
  private DaemonSetStatus() {}

  public static ObjectNode compute(ObjectNode ds, List<ObjectNode> nodes, List<ObjectNode> pods, String hash, Instant now) {
    List<ObjectNode> live = pods.stream().filter(PodReadiness::isActive).toList();
    Map<String, List<ObjectNode>> byNode = DaemonSetPlanner.byNode(live);
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    String generation = DaemonPods.templateGeneration(ds);
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    for (ObjectNode node : nodes) {
      List<ObjectNode> here = byNode.getOrDefault(Meta.name(node), List.of());
      if (NodeEligibility.of(ds, node).shouldRun()) {
        desired++;
        if (here.isEmpty()) {
          continue;
        }
        current++;
        ObjectNode pod = here.get(0);
        if (PodReadiness.isReady(pod)) {
          ready++;
          if (PodReadiness.isAvailable(pod, minReady, now)) {
            available++;
          }
        }
        if (DaemonPods.isUpdated(pod, hash, generation)) {
          updated++;
        }
      } else if (!here.isEmpty()) {
        misscheduled++;
      }
    }
    ObjectNode s = Json.object();
    s.put("currentNumberScheduled", current);
    s.put("numberMisscheduled", misscheduled);
    s.put("desiredNumberScheduled", desired);
    s.put("numberReady", ready);
    s.put("observedGeneration", ds.path("metadata").path("generation").asLong(0));
    s.put("updatedNumberScheduled", updated);
    s.put("numberAvailable", available);
    if (desired - available > 0) {
      s.put("numberUnavailable", desired - available);
    }
    if (ds.path("status").has("collisionCount")) {
      s.set("collisionCount", ds.path("status").path("collisionCount"));
    }
    return s;
  }
}
