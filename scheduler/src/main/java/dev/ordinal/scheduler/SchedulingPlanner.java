package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Chooses a node for a pod from the cluster as the informers see it: filters (readiness,
 * unschedulable, selector and affinity, taints, resources, volume topology), then the least
 * allocated node (ties by name). Pure: the scheduler applies the decision.
 */
final class SchedulingPlanner {
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

  private SchedulingPlanner() {}

  /** The cluster state a decision needs. */
  record Cluster(List<ObjectNode> nodes, List<ObjectNode> pods, Map<String, ObjectNode> claims,
      Map<String, ObjectNode> volumes, Map<String, ObjectNode> classes) {}

  static SchedulingDecision decide(ObjectNode pod, Cluster c) {
    String ns = Meta.namespace(pod);
    List<ObjectNode> claims = new ArrayList<>();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String claimName = v.path("persistentVolumeClaim").path("claimName").asText("");
      if (claimName.isEmpty()) {
        continue;
      }
      ObjectNode claim = c.claims().get(ns + "/" + claimName);
      if (claim == null) {
        return new SchedulingDecision.Unschedulable("persistentvolumeclaim \"" + claimName + "\" not found");
      }
      if (Meta.isDeleting(claim)) {
        return new SchedulingDecision.Unschedulable("persistentvolumeclaim \"" + claimName + "\" is being deleted");
      }
      claims.add(claim);
    }
    Map<String, Integer> reasons = new TreeMap<>();
    List<ObjectNode> fits = new ArrayList<>();
    for (ObjectNode node : c.nodes()) {
      String reason = firstFailure(pod, node, claims, c);
      if (reason == null) {
        fits.add(node);
      } else {
        reasons.merge(reason, 1, Integer::sum);
      }
    }
    if (fits.isEmpty()) {
      List<String> parts = new ArrayList<>();
      reasons.forEach((r, n) -> parts.add(n + " " + r));
      return new SchedulingDecision.Unschedulable(
          "0/" + c.nodes().size() + " nodes are available: " + String.join(", ", parts) + ".");
    }
    fits.sort(Comparator.comparing((ObjectNode n) -> -freeFraction(n, c.pods())).thenComparing(Meta::name));
    String chosen = Meta.name(fits.get(0));
    List<String> waiting = new ArrayList<>();
    for (ObjectNode claim : claims) {
      if (claim.path("spec").path("volumeName").asText("").isEmpty()) {
        waiting.add(Meta.name(claim));
      }
    }
    return waiting.isEmpty() ? new SchedulingDecision.Bind(chosen) : new SchedulingDecision.ProvisionFirst(chosen, waiting);
  }

  private static String firstFailure(ObjectNode pod, ObjectNode node, List<ObjectNode> claims, Cluster c) {
    String r = NodeFit.ready(node);
    if (r == null) {
      r = NodeFit.schedulable(node);
    }
    if (r == null) {
      r = NodeFit.selector(pod, node);
    }
    if (r == null) {
      r = NodeFit.taints(pod, node);
    }
    if (r == null) {
      r = NodeFit.resources(pod, node, podsOn(Meta.name(node), c.pods()));
    }
    if (r == null) {
      r = volumes(node, claims, c);
    }
    return r;
  }

  private static String volumes(ObjectNode node, List<ObjectNode> claims, Cluster c) {
    for (ObjectNode claim : claims) {
      String volumeName = claim.path("spec").path("volumeName").asText("");
      if (!volumeName.isEmpty()) {
        ObjectNode pv = c.volumes().get(volumeName);
        JsonNode terms = pv == null ? null : pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms");
        if (terms != null && terms.isArray() && !terms.isEmpty() && !NodeSelectorTerms.matches(terms, node)) {
          return "node(s) had volume node affinity conflict";
        }
        continue;
      }
      String selected = Meta.annotations(claim).getOrDefault(SELECTED_NODE, "");
      if (!selected.isEmpty() && !selected.equals(Meta.name(node))) {
        return "node(s) did not have enough free storage";
      }
      ObjectNode sc = c.classes().get(claim.path("spec").path("storageClassName").asText(""));
      boolean delayed = sc != null && sc.path("volumeBindingMode").asText("").equals("WaitForFirstConsumer");
      if (!delayed) {
        return "pod has unbound immediate PersistentVolumeClaims";
      }
    }
    return null;
  }

  static List<ObjectNode> podsOn(String node, List<ObjectNode> pods) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode p : pods) {
      String phase = p.path("status").path("phase").asText("");
      if (node.equals(p.path("spec").path("nodeName").asText()) && !phase.equals("Succeeded") && !phase.equals("Failed")) {
        out.add(p);
      }
    }
    return out;
  }

  private static double freeFraction(ObjectNode node, List<ObjectNode> pods) {
    JsonNode allocatable = node.path("status").path("allocatable");
    double score = 0;
    for (String r : List.of("cpu", "memory")) {
      BigDecimal total = NodeFit.amount(allocatable.path(r).asText("0"));
      if (total.signum() <= 0) {
        continue;
      }
      BigDecimal used = BigDecimal.ZERO;
      for (ObjectNode p : podsOn(Meta.name(node), pods)) {
        used = used.add(NodeFit.request(p, r));
      }
      score += total.subtract(used).divide(total, MathContext.DECIMAL64).doubleValue();
    }
    return score;
  }
}
