package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cluster state a decision needs, as look-ups so that the scheduler can answer from its
 * informers and ledger without copying them.
 */
record Cluster(List<ObjectNode> nodes, Pods pods, Volumes volumes) {

  /**
   * The pods that take room on nodes (bound, not finished; the ones just bound included, with
   * their {@code spec.nodeName} set): a node's usage and pods, the pods with inter-pod affinity
   * or anti-affinity of their own, and the labels of a namespace (empty when unknown).
   */
  record Pods(Function<String, NodeUsage> usage, Function<String, List<ObjectNode>> on,
      Supplier<List<ObjectNode>> withAffinity, Function<String, Map<String, String>> namespaceLabels) {

    /** The view of a plain collection of pods (tests, one-off answers). */
    static Pods of(Collection<ObjectNode> pods, Map<String, Map<String, String>> namespaceLabels) {
      Map<String, List<ObjectNode>> byNode = new HashMap<>();
      List<ObjectNode> withAffinity = new ArrayList<>();
      for (ObjectNode p : pods) {
        if (NodeUsage.occupiesNode(p)) {
          byNode.computeIfAbsent(p.path("spec").path("nodeName").asText(), n -> new ArrayList<>()).add(p);
          if (AffinityTerm.hasPodAffinity(p)) {
            withAffinity.add(p);
          }
        }
      }
      return new Pods(node -> NodeUsage.onNode(node, pods), node -> byNode.getOrDefault(node, List.of()),
          () -> withAffinity, ns -> namespaceLabels.getOrDefault(ns, Map.of()));
    }
  }

  /**
   * Claims by "namespace/name", volumes and classes by name, and the volume reserved for a claim
   * (its claimRef names the claim) by the claim's "namespace/name".
   */
  record Volumes(Function<String, ObjectNode> claims, Function<String, ObjectNode> volumes,
      Function<String, ObjectNode> classes, Function<String, ObjectNode> reserved) {}

  /** The nodes by name. */
  Map<String, ObjectNode> nodesByName() {
    Map<String, ObjectNode> out = new HashMap<>();
    for (ObjectNode n : nodes) {
      out.put(Meta.name(n), n);
    }
    return out;
  }
}
