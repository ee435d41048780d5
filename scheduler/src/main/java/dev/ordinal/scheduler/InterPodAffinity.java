package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-scheduler's InterPodAffinity plugin for one decision. The filter: the node must be in a
 * topology domain holding a pod that matches all the pod's required affinity terms (or, for the
 * first pod of a group that matches its own terms, no such pod may exist anywhere); no pod
 * matching a required anti-affinity term may be in the node's domain of that term; and no pod
 * already placed may have a required anti-affinity term matching this pod within its domain
 * (symmetry). The score: weights of preferred terms matched in each domain, both ways, plus 1
 * for each existing pod's required affinity term this pod matches, scaled to 0–100 between the
 * lowest and highest node. Pure.
 */
final class InterPodAffinity {
  static final String AFFINITY = "node(s) didn't match pod affinity rules";
  static final String ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
  static final String EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
  private static final int HARD_POD_AFFINITY_WEIGHT = 1;

  private record Domain(String key, String value) {}

  private final ObjectNode pod;
  private final Cluster cluster;
  private final Map<String, ObjectNode> nodesByName;
  private final Map<String, String> ownNamespaceLabels;
  private final List<AffinityTerm> affinity;
  private final List<AffinityTerm> antiAffinity;
  private final Map<Domain, Integer> affinityCounts = new HashMap<>();
  private final Map<Domain, Integer> antiAffinityCounts = new HashMap<>();
  private final Map<Domain, Integer> existingAntiAffinityCounts = new HashMap<>();

  InterPodAffinity(ObjectNode pod, Cluster cluster) {
    this.pod = pod;
    this.cluster = cluster;
    this.nodesByName = cluster.nodesByName();
    this.ownNamespaceLabels = cluster.pods().namespaceLabels().apply(Meta.namespace(pod));
    this.affinity = AffinityTerm.required(pod, "podAffinity");
    this.antiAffinity = AffinityTerm.required(pod, "podAntiAffinity");
    for (ObjectNode existing : cluster.pods().withAffinity().get()) {
      ObjectNode node = nodeOf(existing);
      for (AffinityTerm t : node == null ? List.<AffinityTerm>of() : AffinityTerm.required(existing, "podAntiAffinity")) {
        if (t.matches(pod, ownNamespaceLabels)) {
          count(existingAntiAffinityCounts, node, t.topologyKey(), 1);
        }
      }
    }
    if (affinity.isEmpty() && antiAffinity.isEmpty()) {
      return;
    }
    for (ObjectNode node : cluster.nodes()) {
      for (ObjectNode existing : cluster.pods().on().apply(Meta.name(node))) {
        Map<String, String> nsLabels = namespaceLabels(existing);
        if (matchesAll(affinity, existing, nsLabels)) {
          affinity.forEach(t -> count(affinityCounts, node, t.topologyKey(), 1));
        }
        for (AffinityTerm t : antiAffinity) {
          if (t.matches(existing, nsLabels)) {
            count(antiAffinityCounts, node, t.topologyKey(), 1);
          }
        }
      }
    }
  }

  /** Why the pod may not go to the node, or null. */
  String filter(ObjectNode node) {
    Map<String, String> labels = Meta.labels(node);
    boolean podsExist = true;
    for (AffinityTerm t : affinity) {
      String value = labels.get(t.topologyKey());
      if (value == null) {
        return AFFINITY;
      }
      podsExist &= affinityCounts.getOrDefault(new Domain(t.topologyKey(), value), 0) > 0;
    }
    // the first pod of a group with affinity to itself may go anywhere its terms' labels exist
    if (!podsExist && !(affinityCounts.isEmpty() && matchesAll(affinity, pod, ownNamespaceLabels))) {
      return AFFINITY;
    }
    for (AffinityTerm t : antiAffinity) {
      String value = labels.get(t.topologyKey());
      if (value != null && antiAffinityCounts.getOrDefault(new Domain(t.topologyKey(), value), 0) > 0) {
        return ANTI_AFFINITY;
      }
    }
    for (var e : labels.entrySet()) {
      if (existingAntiAffinityCounts.getOrDefault(new Domain(e.getKey(), e.getValue()), 0) > 0) {
        return EXISTING_ANTI_AFFINITY;
      }
    }
    return null;
  }

  /** The plugin's normalized score (0–100) of each feasible node, by name. */
  Map<String, Long> score(List<ObjectNode> feasible) {
    List<AffinityTerm> preferred = AffinityTerm.preferred(pod, "podAffinity");
    List<AffinityTerm> preferredAnti = AffinityTerm.preferred(pod, "podAntiAffinity");
    Map<Domain, Long> domainScores = new HashMap<>();
    boolean ownTerms = !preferred.isEmpty() || !preferredAnti.isEmpty();
    // with preferences of its own every placed pod counts; else only the pods with affinity terms
    List<ObjectNode> existingPods = ownTerms ? allPlacedPods() : cluster.pods().withAffinity().get();
    for (ObjectNode existing : existingPods) {
      ObjectNode node = nodeOf(existing);
      if (node == null || Meta.labels(node).isEmpty()) {
        continue;
      }
      Map<String, String> nsLabels = namespaceLabels(existing);
      add(domainScores, preferred, existing, nsLabels, node, 1);
      add(domainScores, preferredAnti, existing, nsLabels, node, -1);
      if (AffinityTerm.hasPodAffinity(existing)) {
        for (AffinityTerm t : AffinityTerm.required(existing, "podAffinity")) {
          if (t.matches(pod, ownNamespaceLabels)) {
            addTo(domainScores, node, t.topologyKey(), HARD_POD_AFFINITY_WEIGHT);
          }
        }
        add(domainScores, AffinityTerm.preferred(existing, "podAffinity"), pod, ownNamespaceLabels, node, 1);
        add(domainScores, AffinityTerm.preferred(existing, "podAntiAffinity"), pod, ownNamespaceLabels, node, -1);
      }
    }
    Map<String, Long> raw = new HashMap<>();
    for (ObjectNode node : feasible) {
      long s = 0;
      for (var e : Meta.labels(node).entrySet()) {
        s += domainScores.getOrDefault(new Domain(e.getKey(), e.getValue()), 0L);
      }
      raw.put(Meta.name(node), s);
    }
    return Scores.minMax(raw);
  }

  private List<ObjectNode> allPlacedPods() {
    List<ObjectNode> out = new java.util.ArrayList<>();
    for (ObjectNode node : cluster.nodes()) {
      out.addAll(cluster.pods().on().apply(Meta.name(node)));
    }
    return out;
  }

  private static void add(Map<Domain, Long> scores, List<AffinityTerm> terms, ObjectNode target, Map<String, String> nsLabels,
      ObjectNode node, int sign) {
    for (AffinityTerm t : terms) {
      if (t.matches(target, nsLabels)) {
        addTo(scores, node, t.topologyKey(), (long) sign * t.weight());
      }
    }
  }

  private static void addTo(Map<Domain, Long> scores, ObjectNode node, String key, long value) {
    String v = Meta.labels(node).get(key);
    if (v != null) {
      scores.merge(new Domain(key, v), value, Long::sum);
    }
  }

  private static void count(Map<Domain, Integer> counts, ObjectNode node, String key, int value) {
    String v = Meta.labels(node).get(key);
    if (v != null) {
      counts.merge(new Domain(key, v), value, Integer::sum);
    }
  }

  private static boolean matchesAll(List<AffinityTerm> terms, ObjectNode target, Map<String, String> nsLabels) {
    if (terms.isEmpty()) {
      return false;
    }
    for (AffinityTerm t : terms) {
      if (!t.matches(target, nsLabels)) {
        return false;
      }
    }
    return true;
  }

  private ObjectNode nodeOf(ObjectNode placed) {
    return nodesByName.get(placed.path("spec").path("nodeName").asText(""));
  }

  private Map<String, String> namespaceLabels(ObjectNode other) {
    return cluster.pods().namespaceLabels().apply(Meta.namespace(other));
  }
}
