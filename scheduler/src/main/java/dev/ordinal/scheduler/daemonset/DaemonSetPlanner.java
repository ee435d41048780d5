package dev.ordinal.scheduler.daemonset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.PodReadiness;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * From a DaemonSet, the nodes and its claimed pods to the pods to create (by node) and to delete,
 * as upstream's {@code manage} and then {@code rollingUpdate} decide: a node that should run a pod
 * and has none gets one; a node that may keep its pod keeps the oldest running one (failed ones
 * are replaced; with surge, an old and a new pod coexist until the new is available); other nodes
 * lose theirs. Only when that is settled does a RollingUpdate replace old pods, within
 * maxUnavailable (delete first) or maxSurge (create first). OnDelete never replaces. Pure.
 */
public final class DaemonSetPlanner {
  private DaemonSetPlanner() {}

  public record Plan(List<String> createOn, List<ObjectNode> delete) {
    public boolean isEmpty() {
      return createOn.isEmpty() && delete.isEmpty();
    }
  }

  /** The claimed pods by target node, oldest first; pods with no target node are left out. */
  static Map<String, List<ObjectNode>> byNode(List<ObjectNode> pods) {
    Map<String, List<ObjectNode>> out = new TreeMap<>();
    for (ObjectNode p : DaemonPods.sorted(pods)) {
      String node = DaemonPods.targetNode(p);
      if (node != null) {
        out.computeIfAbsent(node, k -> new ArrayList<>()).add(p);
      }
    }
    return out;
  }

  public static Plan plan(ObjectNode ds, List<ObjectNode> nodes, List<ObjectNode> pods, String hash, Instant now) {
    Map<String, List<ObjectNode>> byNode = byNode(pods);
    long minReady = ds.path("spec").path("minReadySeconds").asLong(0);
    boolean rolling = ds.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate");
    Map<String, NodeEligibility.Decision> decisions = new LinkedHashMap<>();
    for (ObjectNode n : nodes) {
      decisions.put(Meta.name(n), NodeEligibility.of(ds, n));
    }
    int desired = (int) decisions.values().stream().filter(NodeEligibility.Decision::shouldRun).count();
    int maxSurge = rolling ? scaled(ds.path("spec").path("updateStrategy").path("rollingUpdate").path("maxSurge"), desired) : 0;
    boolean surge = rolling && scaled(ds.path("spec").path("updateStrategy").path("rollingUpdate").path("maxSurge"), 1) > 0;
    List<String> create = new ArrayList<>();
    List<ObjectNode> delete = new ArrayList<>();
    for (var e : decisions.entrySet()) {
      List<ObjectNode> here = byNode.getOrDefault(e.getKey(), List.of());
      NodeEligibility.Decision d = e.getValue();
      if (d.shouldRun() && here.isEmpty()) {
        create.add(e.getKey());
      } else if (d.shouldContinueRunning()) {
        List<ObjectNode> running = new ArrayList<>();
        for (ObjectNode p : here) {
          if (Meta.isDeleting(p)) {
            continue;
          }
          if (PodReadiness.phase(p).equals("Failed")) {
            delete.add(p); // a new one is made on the next pass, once this one is gone
            continue;
          }
          running.add(p);
        }
        if (!surge) {
          delete.addAll(running.subList(Math.min(1, running.size()), running.size()));
        } else {
          delete.addAll(surgeExtras(running, hash, minReady, now));
        }
      } else {
        here.stream().filter(p -> !Meta.isDeleting(p)).forEach(delete::add);
      }
    }
    // pods meant for nodes that no longer exist would never be scheduled nor collected
    Set<String> known = decisions.keySet();
    byNode.forEach((node, list) -> {
      if (!known.contains(node)) {
        list.stream().filter(p -> !Meta.isDeleting(p)).forEach(delete::add);
      }
    });
    if (!create.isEmpty() || !delete.isEmpty() || !rolling) {
      return new Plan(create, delete);
    }
    return maxSurge == 0
        ? replaceWithinUnavailable(ds, byNode, hash, desired, minReady, now)
        : surgeWithin(byNode, hash, maxSurge, minReady, now, DaemonPods.templateGeneration(ds));
  }

  /** Surge manage: keep the oldest new and the oldest old pod only while the new is not yet available. */
  private static List<ObjectNode> surgeExtras(List<ObjectNode> running, String hash, long minReady, Instant now) {
    List<ObjectNode> out = new ArrayList<>();
    ObjectNode oldestNew = null;
    ObjectNode oldestOld = null;
    for (ObjectNode p : running) {
      if (hash.equals(Meta.labels(p).get(DaemonPods.HASH_LABEL))) {
        if (oldestNew == null) {
          oldestNew = p;
          continue;
        }
      } else if (oldestOld == null) {
        oldestOld = p;
        continue;
      }
      out.add(p);
    }
    if (oldestNew != null && oldestOld != null
        && (!PodReadiness.isReady(oldestOld) || PodReadiness.isAvailable(oldestNew, minReady, now))) {
      out.add(oldestOld);
    }
    return out;
  }

  /** The new and old pod of a node, or null when the node has more than one of either. */
  private record OnNode(ObjectNode newPod, ObjectNode oldPod) {}

  private static OnNode onNode(List<ObjectNode> pods, String hash, String generation) {
    ObjectNode newPod = null;
    ObjectNode oldPod = null;
    for (ObjectNode p : pods) {
      if (Meta.isDeleting(p)) {
        continue;
      }
      if (DaemonPods.isUpdated(p, hash, generation)) {
        if (newPod != null) {
          return null;
        }
        newPod = p;
      } else {
        if (oldPod != null) {
          return null;
        }
        oldPod = p;
      }
    }
    return new OnNode(newPod, oldPod);
  }

  private static Plan replaceWithinUnavailable(ObjectNode ds, Map<String, List<ObjectNode>> byNode, String hash, int desired,
      long minReady, Instant now) {
    JsonNode rolling = ds.path("spec").path("updateStrategy").path("rollingUpdate");
    int maxUnavailable = scaled(rolling.path("maxUnavailable"), desired);
    if (maxUnavailable == 0) {
      maxUnavailable = 1; // both zero: upstream falls back to one at a time
    }
    String generation = DaemonPods.templateGeneration(ds);
    int unavailable = 0;
    List<ObjectNode> replace = new ArrayList<>();
    List<ObjectNode> candidates = new ArrayList<>();
    for (List<ObjectNode> pods : byNode.values()) {
      OnNode n = onNode(pods, hash, generation);
      if (n == null || (n.newPod() == null) == (n.oldPod() == null)) {
        unavailable++;
      } else if (n.newPod() != null) {
        if (!PodReadiness.isAvailable(n.newPod(), minReady, now)) {
          unavailable++;
        }
      } else if (!PodReadiness.isAvailable(n.oldPod(), minReady, now)) {
        // an unavailable old pod is replaced at once, and (as in upstream's later releases)
        // counts against maxUnavailable, so that available pods wait
        replace.add(n.oldPod());
        unavailable++;
      } else if (unavailable < maxUnavailable) {
        candidates.add(n.oldPod());
      }
    }
    int room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.size());
    replace.addAll(candidates.subList(0, room));
    return new Plan(List.of(), replace);
  }

  private static Plan surgeWithin(Map<String, List<ObjectNode>> byNode, String hash, int maxSurge, long minReady, Instant now,
      String generation) {
    int surging = 0;
    List<String> allowed = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    List<ObjectNode> delete = new ArrayList<>();
    for (var e : byNode.entrySet()) {
      OnNode n = onNode(e.getValue(), hash, generation);
      if (n == null) {
        surging++;
        continue;
      }
      if (n.oldPod() == null) {
        continue;
      }
      if (n.newPod() == null) {
        if (!PodReadiness.isAvailable(n.oldPod(), minReady, now)) {
          allowed.add(e.getKey());
        } else if (surging < maxSurge) {
          candidates.add(e.getKey());
        }
      } else if (!PodReadiness.isAvailable(n.newPod(), minReady, now)) {
        surging++;
      } else {
        delete.add(n.oldPod());
      }
    }
    int room = Math.min(Math.max(0, maxSurge - surging), candidates.size());
    List<String> create = new ArrayList<>(allowed);
    create.addAll(candidates.subList(0, room));
    return new Plan(create, delete);
  }

  /** intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true); absent is 0. */
  static int scaled(JsonNode v, int total) {
    if (v.isNumber()) {
      return v.asInt();
    }
    String s = v.asText("");
    if (s.endsWith("%")) {
      try {
        return (int) Math.ceil(Integer.parseInt(s.substring(0, s.length() - 1)) * total / 100.0);
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    try {
      return s.isEmpty() ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
