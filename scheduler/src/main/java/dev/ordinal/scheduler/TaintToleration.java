package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.scheduler.taints.Tolerations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-scheduler's TaintToleration plugin: the filter refuses a node with a NoSchedule or
 * NoExecute taint the pod does not tolerate (naming the first); the score prefers nodes with
 * fewer untolerated PreferNoSchedule taints (the fewest scores 100). Pure.
 */
final class TaintToleration {
  private TaintToleration() {}

  static String filter(ObjectNode pod, ObjectNode node) {
    JsonNode taint = Tolerations.firstUntolerated(node.path("spec").path("taints"), pod.path("spec").path("tolerations"),
        Tolerations::keepsPodsOff);
    return taint == null ? null
        : "node(s) had untolerated taint {" + taint.path("key").asText("") + ": " + taint.path("value").asText("") + "}";
  }

  static Map<String, Long> score(ObjectNode pod, List<ObjectNode> feasible) {
    JsonNode tolerations = pod.path("spec").path("tolerations");
    Map<String, Long> raw = new HashMap<>();
    for (ObjectNode node : feasible) {
      long untolerated = 0;
      for (JsonNode taint : Tolerations.withEffect(node.path("spec").path("taints"), "PreferNoSchedule")) {
        if (!Tolerations.tolerated(tolerations, taint)) {
          untolerated++;
        }
      }
      raw.put(Meta.name(node), untolerated);
    }
    return Scores.normalize(raw, true);
  }
}
