package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses a node for a pod from the cluster as the informers see it, as kube-scheduler's default
 * profile does: each node goes through the filters in upstream's order (readiness, unschedulable,
 * taints, node affinity, resources, volumes, topology spread, inter-pod affinity), the first
 * failure being the node's reason; the feasible nodes are scored by the plugins with upstream's
 * weights (TaintToleration 3, NodeAffinity 2, PodTopologySpread 2, InterPodAffinity 2,
 * LeastAllocated 1, BalancedAllocation 1) and the highest wins (ties by name, where upstream picks
 * at random). Pure: the scheduler applies the decision.
 */
final class SchedulingPlanner {
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  static final String NO_NODES = "no nodes available to schedule pods";

  private SchedulingPlanner() {}

  static SchedulingDecision decide(ObjectNode pod, Cluster c) {
    String ns = Meta.namespace(pod);
    List<ObjectNode> claims = new ArrayList<>();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String claimName = v.path("persistentVolumeClaim").path("claimName").asText("");
      if (claimName.isEmpty()) {
        continue;
      }
      ObjectNode claim = c.volumes().claims().apply(ns + "/" + claimName);
      if (claim == null) {
        return new SchedulingDecision.Unschedulable("persistentvolumeclaim \"" + claimName + "\" not found");
      }
      if (Meta.isDeleting(claim)) {
        return new SchedulingDecision.Unschedulable("persistentvolumeclaim \"" + claimName + "\" is being deleted");
      }
      claims.add(claim);
    }
    if (c.nodes().isEmpty()) {
      return new SchedulingDecision.Unschedulable(NO_NODES);
    }
    PodTopologySpread spread = new PodTopologySpread(pod, c);
    InterPodAffinity interPod = new InterPodAffinity(pod, c);
    Map<String, Integer> reasons = new HashMap<>();
    List<ObjectNode> fits = new ArrayList<>();
    for (ObjectNode node : c.nodes()) {
      String reason = firstFailure(pod, node, claims, c, spread, interPod);
      if (reason == null) {
        fits.add(node);
      } else {
        reasons.merge(reason, 1, Integer::sum);
      }
    }
    if (fits.isEmpty()) {
      return new SchedulingDecision.Unschedulable(fitError(c.nodes().size(), reasons));
    }
    String chosen = fits.size() == 1 ? Meta.name(fits.get(0)) : best(pod, fits, c, spread, interPod);
    List<String> waiting = new ArrayList<>();
    for (ObjectNode claim : claims) {
      if (claim.path("spec").path("volumeName").asText("").isEmpty()) {
        waiting.add(Meta.name(claim));
      }
    }
    return waiting.isEmpty() ? new SchedulingDecision.Bind(chosen) : new SchedulingDecision.ProvisionFirst(chosen, waiting);
  }

  /**
   * kube-scheduler's FitError message: "0/N nodes are available: " and the "count reason" entries
   * sorted as strings, joined by ", ", ending in ".". (Upstream adds what preemption found;
   * Ordinal does not preempt.)
   */
  static String fitError(int nodes, Map<String, Integer> reasons) {
    List<String> parts = new ArrayList<>();
    reasons.forEach((r, n) -> parts.add(n + " " + r));
    Collections.sort(parts);
    return "0/" + nodes + " nodes are available: " + String.join(", ", parts) + ".";
  }

  private static String firstFailure(ObjectNode pod, ObjectNode node, List<ObjectNode> claims, Cluster c,
      PodTopologySpread spread, InterPodAffinity interPod) {
    String r = NodeFit.ready(node);
    if (r == null) {
      r = NodeFit.schedulable(pod, node);
    }
    if (r == null) {
      r = TaintToleration.filter(pod, node);
    }
    if (r == null) {
      r = NodeAffinity.filter(pod, node);
    }
    if (r == null) {
      r = NodeFit.resources(pod, node, c.pods().usage().apply(Meta.name(node)));
    }
    if (r == null) {
      r = volumes(node, claims, c.volumes());
    }
    if (r == null) {
      r = spread.filter(node);
    }
    if (r == null) {
      r = interPod.filter(node);
    }
    return r;
  }

  private static String best(ObjectNode pod, List<ObjectNode> fits, Cluster c, PodTopologySpread spread, InterPodAffinity interPod) {
    Map<String, Long> total = new HashMap<>();
    addWeighted(total, TaintToleration.score(pod, fits), 3);
    addWeighted(total, NodeAffinity.score(pod, fits), 2);
    addWeighted(total, spread.score(fits), 2);
    addWeighted(total, interPod.score(fits), 2);
    addWeighted(total, ResourceScores.leastAllocated(pod, fits, c.pods().usage()), 1);
    addWeighted(total, ResourceScores.balanced(pod, fits, c.pods().usage()), 1);
    return fits.stream().map(Meta::name)
        .min(Comparator.comparing((String n) -> -total.getOrDefault(n, 0L)).thenComparing(n -> n)).orElseThrow();
  }

  private static void addWeighted(Map<String, Long> total, Map<String, Long> scores, int weight) {
    scores.forEach((n, s) -> total.merge(n, s * weight, Long::sum));
  }

  private static String volumes(ObjectNode node, List<ObjectNode> claims, Cluster.Volumes c) {
    for (ObjectNode claim : claims) {
      String volumeName = claim.path("spec").path("volumeName").asText("");
      // a bound claim's volume, or the one reserved for it that the binder is about to bind
      ObjectNode pv = volumeName.isEmpty() ? reservedFor(claim, c) : c.volumes().apply(volumeName);
      JsonNode terms = pv == null ? null : pv.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms");
      if (terms != null && terms.isArray() && !terms.isEmpty() && !NodeSelectorTerms.matches(terms, node)) {
        return "node(s) had volume node affinity conflict";
      }
      if (!volumeName.isEmpty() || pv != null) {
        continue;
      }
      String selected = Meta.annotations(claim).getOrDefault(SELECTED_NODE, "");
      if (!selected.isEmpty() && !selected.equals(Meta.name(node))) {
        return "node(s) did not have enough free storage";
      }
      ObjectNode sc = c.classes().apply(claim.path("spec").path("storageClassName").asText(""));
      boolean delayed = sc != null && sc.path("volumeBindingMode").asText("").equals("WaitForFirstConsumer");
      if (!delayed) {
        return "pod has unbound immediate PersistentVolumeClaims";
      }
    }
    return null;
  }

  /** The volume whose claimRef names this claim (by uid too, once it has one), or null. */
  private static ObjectNode reservedFor(ObjectNode claim, Cluster.Volumes c) {
    ObjectNode pv = c.reserved().apply(Meta.namespace(claim) + "/" + Meta.name(claim));
    String uid = pv == null ? "" : pv.path("spec").path("claimRef").path("uid").asText("");
    return pv == null || (!uid.isEmpty() && !uid.equals(Meta.uid(claim))) ? null : pv;
  }
}
