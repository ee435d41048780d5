package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-scheduler's NodeAffinity plugin: the filter holds the pod to its nodeSelector and required
 * node affinity; the score sums the weights of the preferred terms a node matches, scaled so the
 * best node scores 100. Pure.
 */
public final class NodeAffinity {
  static final String REASON = "node(s) didn't match Pod's node affinity/selector";

  private NodeAffinity() {}

  public static String filter(ObjectNode pod, ObjectNode node) {
    Map<String, String> labels = Meta.labels(node);
    for (var it = pod.path("spec").path("nodeSelector").fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return REASON;
      }
    }
    JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    if (terms.isArray() && !terms.isEmpty() && !NodeSelectorTerms.matches(terms, node)) {
      return REASON;
    }
    return null;
  }

  static Map<String, Long> score(ObjectNode pod, List<ObjectNode> feasible) {
    JsonNode preferred = pod.path("spec").path("affinity").path("nodeAffinity").path("preferredDuringSchedulingIgnoredDuringExecution");
    Map<String, Long> raw = new HashMap<>();
    for (ObjectNode node : feasible) {
      long sum = 0;
      for (JsonNode term : preferred) {
        int weight = term.path("weight").asInt(0);
        if (weight != 0 && NodeSelectorTerms.termMatches(term.path("preference"), node)) {
          sum += weight;
        }
      }
      raw.put(Meta.name(node), sum);
    }
    return Scores.normalize(raw, false);
  }
}
