package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.runtime.Informer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's running account of pods, kept from pod events so that a decision never walks
 * every pod: what each node's pods request, which pods are on each node, which of those have
 * inter-pod affinity terms, which pods still wait for a node, and which of those use which claim.
 * A pod the scheduler has just bound is counted on its node at once ({@link #assume}), before its
 * event arrives, so back-to-back decisions do not overcommit a node nor miss each other's
 * anti-affinity.
 */
final class PodLedger {
  private record Entry(String node, NodeUsage usage) {}

  private final Map<String, Entry> assigned = new HashMap<>();
  private final Map<String, NodeUsage> byNode = new HashMap<>();
  // node → "namespace/name" → the pod as last seen (spec.nodeName set)
  private final Map<String, Map<String, ObjectNode>> podsByNode = new HashMap<>();
  private final Map<String, ObjectNode> withAffinity = new HashMap<>();
  private final Set<String> pending = new HashSet<>();
  private final Map<String, Set<String>> claimUsers = new HashMap<>();

  /** Accounts for a pod's new state (or its deletion). */
  synchronized void observe(ObjectNode pod, boolean deleted) {
    String key = Informer.key(pod);
    unassign(key);
    forgetPending(key, pod);
    if (deleted) {
      return;
    }
    if (NodeUsage.occupiesNode(pod)) {
      assign(key, pod);
    } else if (Scheduler.isPending(pod)) {
      pending.add(key);
      for (String claim : claimsOf(pod)) {
        claimUsers.computeIfAbsent(claim, c -> new HashSet<>()).add(key);
      }
    }
  }

  /** Counts a pod on the node it was just bound to, ahead of its event. */
  synchronized void assume(ObjectNode pod, String node) {
    String key = Informer.key(pod);
    forgetPending(key, pod);
    unassign(key);
    ObjectNode placed = pod.deepCopy();
    placed.with("spec").put("nodeName", node);
    assign(key, placed);
  }

  synchronized NodeUsage usage(String node) {
    return byNode.getOrDefault(node, NodeUsage.NONE);
  }

  /** The pods on the node (a copy). */
  synchronized List<ObjectNode> podsOn(String node) {
    Map<String, ObjectNode> pods = podsByNode.get(node);
    return pods == null ? List.of() : List.copyOf(pods.values());
  }

  /** The placed pods with inter-pod affinity or anti-affinity terms (a copy). */
  synchronized List<ObjectNode> podsWithAffinity() {
    return List.copyOf(withAffinity.values());
  }

  synchronized List<String> pending() {
    return List.copyOf(pending);
  }

  /** The pending pods that use the claim ("namespace/name"). */
  synchronized List<String> usersOf(String claimKey) {
    return List.copyOf(claimUsers.getOrDefault(claimKey, Set.of()));
  }

  private void assign(String key, ObjectNode pod) {
    String node = pod.path("spec").path("nodeName").asText();
    NodeUsage usage = NodeUsage.of(pod);
    assigned.put(key, new Entry(node, usage));
    byNode.merge(node, usage, NodeUsage::plus);
    podsByNode.computeIfAbsent(node, n -> new HashMap<>()).put(key, pod);
    if (AffinityTerm.hasPodAffinity(pod)) {
      withAffinity.put(key, pod);
    }
  }

  private void unassign(String key) {
    Entry e = assigned.remove(key);
    if (e != null) {
      byNode.computeIfPresent(e.node(), (n, u) -> u.minus(e.usage()));
      Map<String, ObjectNode> pods = podsByNode.get(e.node());
      if (pods != null && pods.remove(key) != null && pods.isEmpty()) {
        podsByNode.remove(e.node());
      }
      withAffinity.remove(key);
    }
  }

  private void forgetPending(String key, ObjectNode pod) {
    if (pending.remove(key)) {
      for (String claim : claimsOf(pod)) {
        Set<String> users = claimUsers.get(claim);
        if (users != null && users.remove(key) && users.isEmpty()) {
          claimUsers.remove(claim);
        }
      }
    }
  }

  private static List<String> claimsOf(ObjectNode pod) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : pod.path("spec").path("volumes")) {
      String claim = v.path("persistentVolumeClaim").path("claimName").asText("");
      if (!claim.isEmpty()) {
        out.add(Meta.namespace(pod) + "/" + claim);
      }
    }
    return out;
  }
}
