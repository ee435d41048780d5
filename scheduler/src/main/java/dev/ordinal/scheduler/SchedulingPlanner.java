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
import java.util.function.Function;

/**
 * Chooses a node for a pod from the cluster as the informers see it: filters (readiness,
 * unschedulable, selector and affinity, taints, resources, volume topology), then the least
 * allocated node (ties by name). Pure: the scheduler applies the decision.
 */
final class SchedulingPlanner {
  static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";

  private SchedulingPlanner() {}

  /**
   * The cluster state a decision needs, as look-ups so that the scheduler can answer from its
   * informers without copying them: claims by "namespace/name", volumes and classes by name, and
   * the volume reserved for a claim (its claimRef names the claim) by the claim's "namespace/name".
   */
  record Cluster(List<ObjectNode> nodes, Function<String, NodeUsage> usage, Function<String, ObjectNode> claims,
      Function<String, ObjectNode> volumes, Function<String, ObjectNode> classes, Function<String, ObjectNode> reserved) {}

  static SchedulingDecision decide(ObjectNode pod, Cluster c) {
    String ns = Meta.namespace(pod);
    List<ObjectNode> claims = new ArrayList<>();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String claimName = v.path("persistentVolumeClaim").path("claimName").asText("");
      if (claimName.isEmpty()) {
        continue;
      }
      ObjectNode claim = c.claims().apply(ns + "/" + claimName);
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
    fits.sort(Comparator.comparing((ObjectNode n) -> -freeFraction(n, c.usage().apply(Meta.name(n)))).thenComparing(Meta::name));
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
      r = NodeFit.resources(pod, node, c.usage().apply(Meta.name(node)));
    }
    if (r == null) {
      r = volumes(node, claims, c);
    }
    return r;
  }

  private static String volumes(ObjectNode node, List<ObjectNode> claims, Cluster c) {
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
  private static ObjectNode reservedFor(ObjectNode claim, Cluster c) {
    ObjectNode pv = c.reserved().apply(Meta.namespace(claim) + "/" + Meta.name(claim));
    String uid = pv == null ? "" : pv.path("spec").path("claimRef").path("uid").asText("");
    return pv == null || (!uid.isEmpty() && !uid.equals(Meta.uid(claim))) ? null : pv;
  }

  private static double freeFraction(ObjectNode node, NodeUsage usage) {
    JsonNode allocatable = node.path("status").path("allocatable");
    double score = 0;
    for (String r : List.of("cpu", "memory")) {
      BigDecimal total = NodeFit.amount(allocatable.path(r).asText("0"));
      if (total.signum() <= 0) {
        continue;
      }
      score += total.subtract(usage.of(r)).divide(total, MathContext.DECIMAL64).doubleValue();
    }
    return score;
  }
}
