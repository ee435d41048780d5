package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.scheduler.taints.Tolerations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * kube-scheduler's PodTopologySpread plugin for one decision. Filter ({@code DoNotSchedule}
 * constraints): placing the pod in the node's domain must keep {@code matching pods there + 1 (if
 * the pod matches itself) − the fewest in any eligible domain} within {@code maxSkew}; the fewest
 * counts as 0 while there are fewer eligible domains than {@code minDomains}; a node without the
 * topology key is refused. Eligible nodes carry every constraint's key and pass the inclusion
 * policies: {@code nodeAffinityPolicy} Honor (the default: the pod's nodeSelector and required
 * node affinity) and {@code nodeTaintsPolicy} Ignore (the default; Honor: untolerated
 * NoSchedule/NoExecute taints exclude the node). Score ({@code ScheduleAnyway}): fewer matching
 * pods in a node's domains score higher, weighted by the log of the number of domains. Only the
 * pod's own constraints apply (upstream's cluster-wide default constraints are not applied). Pure.
 */
final class PodTopologySpread {
  static final String REASON = "node(s) didn't match pod topology spread constraints";
  static final String MISSING_LABEL = REASON + " (missing required label)";
  private static final String HOSTNAME = "kubernetes.io/hostname";

  record Constraint(int maxSkew, String topologyKey, Predicate<Map<String, String>> selector, int minDomains,
      boolean honorNodeAffinity, boolean honorTaints) {}

  private final ObjectNode pod;
  private final Cluster cluster;
  private final List<Constraint> hard;
  private final List<Constraint> soft;
  private final List<Map<String, Integer>> hardCounts = new ArrayList<>();

  PodTopologySpread(ObjectNode pod, Cluster cluster) {
    this.pod = pod;
    this.cluster = cluster;
    this.hard = constraints(pod, "DoNotSchedule");
    this.soft = constraints(pod, "ScheduleAnyway");
    for (int i = 0; i < hard.size(); i++) {
      hardCounts.add(new HashMap<>());
    }
    if (hard.isEmpty()) {
      return;
    }
    for (ObjectNode node : cluster.nodes()) {
      if (!hasAllKeys(node, hard)) {
        continue;
      }
      for (int i = 0; i < hard.size(); i++) {
        Constraint c = hard.get(i);
        if (included(c, node)) {
          hardCounts.get(i).merge(Meta.labels(node).get(c.topologyKey()), matching(c, node), Integer::sum);
        }
      }
    }
  }

  /** Why the pod may not go to the node, or null. */
  String filter(ObjectNode node) {
    Map<String, String> labels = Meta.labels(node);
    for (int i = 0; i < hard.size(); i++) {
      Constraint c = hard.get(i);
      String value = labels.get(c.topologyKey());
      if (value == null) {
        return MISSING_LABEL;
      }
      Map<String, Integer> counts = hardCounts.get(i);
      int min = counts.size() < c.minDomains() ? 0 : counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      int self = c.selector().test(Meta.labels(pod)) ? 1 : 0;
      if (counts.getOrDefault(value, 0) + self - min > c.maxSkew()) {
        return REASON;
      }
    }
    return null;
  }

  /** The plugin's normalized score (0–100) of each feasible node, by name; empty without soft constraints. */
  Map<String, Long> score(List<ObjectNode> feasible) {
    Map<String, Long> out = new HashMap<>();
    if (soft.isEmpty()) {
      return out;
    }
    Set<String> ignored = new HashSet<>();
    List<Map<String, Long>> domainCounts = new ArrayList<>();
    soft.forEach(c -> domainCounts.add(new HashMap<>()));
    for (ObjectNode node : feasible) {
      if (!hasAllKeys(node, soft)) {
        ignored.add(Meta.name(node));
        continue;
      }
      for (int i = 0; i < soft.size(); i++) {
        if (!soft.get(i).topologyKey().equals(HOSTNAME)) {
          domainCounts.get(i).putIfAbsent(Meta.labels(node).get(soft.get(i).topologyKey()), 0L);
        }
      }
    }
    double[] weights = new double[soft.size()];
    for (int i = 0; i < soft.size(); i++) {
      int domains = soft.get(i).topologyKey().equals(HOSTNAME) ? feasible.size() - ignored.size() : domainCounts.get(i).size();
      weights[i] = Math.log(domains + 2);
    }
    for (ObjectNode node : cluster.nodes()) {
      if (!hasAllKeys(node, soft)) {
        continue;
      }
      for (int i = 0; i < soft.size(); i++) {
        Constraint c = soft.get(i);
        String value = Meta.labels(node).get(c.topologyKey());
        if (!c.topologyKey().equals(HOSTNAME) && included(c, node) && domainCounts.get(i).containsKey(value)) {
          domainCounts.get(i).merge(value, (long) matching(c, node), Long::sum);
        }
      }
    }
    Map<String, Long> raw = new HashMap<>();
    for (ObjectNode node : feasible) {
      if (ignored.contains(Meta.name(node))) {
        continue;
      }
      double s = 0;
      for (int i = 0; i < soft.size(); i++) {
        Constraint c = soft.get(i);
        String value = Meta.labels(node).get(c.topologyKey());
        long count = c.topologyKey().equals(HOSTNAME) ? matching(c, node) : domainCounts.get(i).getOrDefault(value, 0L);
        s += count * weights[i] + (c.maxSkew() - 1);
      }
      raw.put(Meta.name(node), Math.round(s));
    }
    long min = raw.values().stream().mapToLong(Long::longValue).min().orElse(0);
    long max = raw.values().stream().mapToLong(Long::longValue).max().orElse(0);
    for (ObjectNode node : feasible) {
      Long s = raw.get(Meta.name(node));
      out.put(Meta.name(node), s == null ? 0L : max == 0 ? Scores.MAX : Scores.MAX * (max + min - s) / max);
    }
    return out;
  }

  private boolean included(Constraint c, ObjectNode node) {
    if (c.honorNodeAffinity() && NodeAffinity.filter(pod, node) != null) {
      return false;
    }
    return !c.honorTaints() || Tolerations.firstUntolerated(node.path("spec").path("taints"), pod.path("spec").path("tolerations"),
        Tolerations::keepsPodsOff) == null;
  }

  /** The pods on the node in the pod's namespace, not being deleted, that the constraint selects. */
  private int matching(Constraint c, ObjectNode node) {
    int n = 0;
    for (ObjectNode p : cluster.pods().on().apply(Meta.name(node))) {
      if (Meta.namespace(p).equals(Meta.namespace(pod)) && !Meta.isDeleting(p) && c.selector().test(Meta.labels(p))) {
        n++;
      }
    }
    return n;
  }

  private static boolean hasAllKeys(ObjectNode node, List<Constraint> constraints) {
    Map<String, String> labels = Meta.labels(node);
    for (Constraint c : constraints) {
      if (!labels.containsKey(c.topologyKey())) {
        return false;
      }
    }
    return true;
  }

  /** The pod's constraints with the given whenUnsatisfiable; matchLabelKeys add the pod's own values. */
  static List<Constraint> constraints(ObjectNode pod, String when) {
    List<Constraint> out = new ArrayList<>();
    for (JsonNode c : pod.path("spec").path("topologySpreadConstraints")) {
      if (!c.path("whenUnsatisfiable").asText("DoNotSchedule").equals(when)) {
        continue;
      }
      JsonNode selector = c.path("labelSelector");
      if (selector.isObject() && c.path("matchLabelKeys").size() > 0) {
        ObjectNode merged = selector.deepCopy();
        Map<String, String> labels = Meta.labels(pod);
        for (JsonNode key : c.path("matchLabelKeys")) {
          if (labels.containsKey(key.asText())) {
            merged.with("matchLabels").put(key.asText(), labels.get(key.asText()));
          }
        }
        selector = merged;
      }
      out.add(new Constraint(c.path("maxSkew").asInt(1), c.path("topologyKey").asText(""), AffinityTerm.selector(selector),
          c.path("minDomains").asInt(1), !c.path("nodeAffinityPolicy").asText("Honor").equals("Ignore"),
          c.path("nodeTaintsPolicy").asText("Ignore").equals("Honor")));
    }
    return out;
  }
}
