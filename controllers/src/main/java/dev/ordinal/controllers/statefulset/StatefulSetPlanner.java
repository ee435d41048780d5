package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.apps.ReservedOrdinals;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.statefulset.StatefulSetAction.CreateClaim;
import dev.ordinal.controllers.statefulset.StatefulSetAction.CreatePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.DeletePod;
import dev.ordinal.controllers.statefulset.StatefulSetAction.UpdateClaim;
import dev.ordinal.controllers.statefulset.StatefulSetAction.UpdatePod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One StatefulSet sync as a pure function: from the set, its pods and claims, and its current and
 * update revisions, the list of actions to take now (see statefulset-behaviour.md, "One sync").
 * Ordered sets act on one replica per sync and stop at the first unhealthy one; Parallel sets act
 * on all of them.
 *
 * <p>Replicas take the first {@code replicas} ordinals from {@code spec.ordinals.start} that are not
 * reserved ({@link ReservedOrdinals}); a pod on a reserved ordinal is scaled down like one beyond
 * the count. A rolling update's partition still names an ordinal, as upstream's.
 *
 * <p>One deliberate difference from Kubernetes: under OrderedReady an unhealthy replica whose
 * revision is outdated is replaced instead of waited for, so a rollout stuck on a broken template
 * heals as soon as the template is fixed (kubernetes#67250).
 */
public final class StatefulSetPlanner {
  private StatefulSetPlanner() {}

  /**
   * What the planner sees.
   *
   * @param pods the set's replicas (pods it controls whose names carry an ordinal)
   * @param claims the namespace's claims by name
   * @param templates the pod template of each revision by revision name
   */
  public record Observed(
      ObjectNode set, List<ObjectNode> pods, Map<String, ObjectNode> claims, String currentRevision,
      String updateRevision, Map<String, ObjectNode> templates, Instant now) {}

  public static List<StatefulSetAction> plan(Observed o) {
    List<StatefulSetAction> actions = new ArrayList<>();
    ObjectNode set = o.set();
    JsonNode spec = set.path("spec");
    int start = spec.path("ordinals").path("start").asInt(0);
    int replicas = spec.path("replicas").asInt(1);
    long minReady = spec.path("minReadySeconds").asLong(0);
    boolean ordered = !spec.path("podManagementPolicy").asText("OrderedReady").equals("Parallel");
    String setName = Meta.name(set);
    List<Integer> ordinals = ReservedOrdinals.replicaOrdinals(start, replicas, reserved(set));
    Set<Integer> members = new HashSet<>(ordinals);

    TreeMap<Integer, ObjectNode> inRange = new TreeMap<>();
    List<ObjectNode> condemned = new ArrayList<>();
    for (ObjectNode pod : o.pods()) {
      int ord = StatefulSetIdentity.ordinal(Meta.name(pod));
      if (members.contains(ord)) {
        inRange.put(ord, pod);
      } else {
        condemned.add(pod);
      }
    }
    condemned.sort(Comparator.comparingInt((ObjectNode p) -> StatefulSetIdentity.ordinal(Meta.name(p))).reversed());

    // 1. replicas in range, ascending
    for (int ord : ordinals) {
      ObjectNode pod = inRange.get(ord);
      if (pod == null) {
        createClaims(o, ord, null, actions);
        String revision = revisionFor(set, ord, start, o);
        actions.add(new CreatePod(StatefulSetIdentity.newPod(set, o.templates().get(revision), ord, revision)));
        if (ordered) {
          return actions;
        }
        continue;
      }
      if (PodState.isFinished(pod) && !PodState.isTerminating(pod)) {
        actions.add(new DeletePod(Meta.name(pod), Meta.uid(pod), "pod " + PodState.phase(pod).toLowerCase() + ", recreating"));
        if (ordered) {
          return actions;
        }
        continue;
      }
      if (PodState.phase(pod).equals("Pending")) {
        createClaims(o, ord, pod, actions);
      }
      if (ordered && !PodState.isHealthy(pod, minReady, o.now())) {
        if (!PodState.isTerminating(pod) && isOutdated(set, pod, ord, start, o)) {
          // the pod update policy applies here too: InPlaceOnly never deletes a pod to update it,
          // and an images-only change heals the pod in place (its containers restart on the new images)
          String target = revisionFor(set, ord, start, o);
          StatefulSetAction inPlace = InPlaceUpdatePlanner.update(set, pod, o.templates().get(StatefulSetIdentity.revisionOf(pod)),
              o.templates().get(target), target);
          actions.add(inPlace != null ? inPlace
              : new DeletePod(Meta.name(pod), Meta.uid(pod), "replacing unhealthy pod of an outdated revision"));
        }
        return actions;
      }
      repairIdentity(setName, pod, ord, actions);
      claimOwnership(o, ord, pod, false, actions);
    }

    // 2. scale down: highest ordinal first
    if (ordered && !allHealthy(inRange, minReady, o.now())) {
      return actions;
    }
    for (ObjectNode pod : condemned) {
      if (PodState.isTerminating(pod)) {
        if (ordered) {
          return actions;
        }
        continue;
      }
      claimOwnership(o, StatefulSetIdentity.ordinal(Meta.name(pod)), pod, true, actions);
      actions.add(new DeletePod(Meta.name(pod), Meta.uid(pod), "scaling down"));
      if (ordered) {
        return actions;
      }
    }
    if (!condemned.isEmpty() && ordered) {
      return actions;
    }

    // 3. rolling update, highest ordinal first, down to the partition
    JsonNode strategy = spec.path("updateStrategy");
    if (!strategy.path("type").asText("RollingUpdate").equals("RollingUpdate")) {
      return actions;
    }
    int partition = strategy.path("rollingUpdate").path("partition").asInt(0);
    int budget = maxUnavailable(strategy.path("rollingUpdate").path("maxUnavailable"), replicas);
    for (ObjectNode pod : inRange.values()) {
      if (!PodState.isHealthy(pod, minReady, o.now())) {
        budget--;
      }
    }
    for (int i = ordinals.size() - 1; i >= 0 && ordinals.get(i) >= start + partition && budget > 0; i--) {
      ObjectNode pod = inRange.get(ordinals.get(i));
      if (pod == null || PodState.isTerminating(pod)) {
        continue;
      }
      if (!StatefulSetIdentity.revisionOf(pod).equals(o.updateRevision())) {
        // the pod update policy may change the pod instead of replacing it (InPlaceUpdatePlanner)
        StatefulSetAction inPlace = InPlaceUpdatePlanner.update(set, pod, o.templates().get(StatefulSetIdentity.revisionOf(pod)),
            o.templates().get(o.updateRevision()), o.updateRevision());
        if (inPlace instanceof StatefulSetAction.RefuseUpdate) {
          actions.add(inPlace);
          return actions; // InPlaceOnly: the rollout stops at the first pod it may not update
        }
        actions.add(inPlace != null ? inPlace
            : new DeletePod(Meta.name(pod), Meta.uid(pod), "updating to revision " + o.updateRevision()));
        budget--;
      }
    }
    return actions;
  }

  /**
   * The set's reserved ordinals ({@link ReservedOrdinals}); none when the annotation cannot be read
   * (the API server refuses such a value, so only an object stored before could carry one).
   */
  static Set<Integer> reserved(ObjectNode set) {
    try {
      return ReservedOrdinals.parse(Meta.annotations(set).get(ReservedOrdinals.ANNOTATION));
    } catch (IllegalArgumentException e) {
      return Set.of();
    }
  }

  /** The revision a new replica gets: below the partition of a rolling update, the current one. */
  static String revisionFor(ObjectNode set, int ord, int start, Observed o) {
    JsonNode strategy = set.path("spec").path("updateStrategy");
    if (strategy.path("type").asText("RollingUpdate").equals("RollingUpdate")
        && ord < start + strategy.path("rollingUpdate").path("partition").asInt(0)
        && o.templates().containsKey(o.currentRevision())) {
      return o.currentRevision();
    }
    return o.updateRevision();
  }

  private static boolean isOutdated(ObjectNode set, ObjectNode pod, int ord, int start, Observed o) {
    if (!set.path("spec").path("updateStrategy").path("type").asText("RollingUpdate").equals("RollingUpdate")) {
      return false;
    }
    return !StatefulSetIdentity.revisionOf(pod).equals(revisionFor(set, ord, start, o));
  }

  private static boolean allHealthy(Map<Integer, ObjectNode> pods, long minReady, Instant now) {
    return pods.values().stream().allMatch(p -> PodState.isHealthy(p, minReady, now));
  }

  /** maxUnavailable: an int or a percentage of replicas, rounded down, at least 1; default 1. */
  static int maxUnavailable(JsonNode value, int replicas) {
    if (value.isInt()) {
      return Math.max(1, value.asInt());
    }
    if (value.isTextual() && value.asText().endsWith("%")) {
      try {
        int percent = Integer.parseInt(value.asText().substring(0, value.asText().length() - 1));
        return Math.max(1, replicas * percent / 100);
      } catch (NumberFormatException e) {
        return 1;
      }
    }
    return 1;
  }

  private static void createClaims(Observed o, int ord, ObjectNode pod, List<StatefulSetAction> actions) {
    for (ObjectNode claim : StatefulSetIdentity.newClaims(o.set(), ord)) {
      if (!o.claims().containsKey(Meta.name(claim))) {
        ObjectNode owned = ClaimOwnership.reconcile(o.set(), claim, pod, false);
        actions.add(new CreateClaim(owned == null ? claim : owned));
      }
    }
  }

  private static void claimOwnership(Observed o, int ord, ObjectNode pod, boolean condemned, List<StatefulSetAction> actions) {
    for (ObjectNode wanted : StatefulSetIdentity.newClaims(o.set(), ord)) {
      ObjectNode claim = o.claims().get(Meta.name(wanted));
      if (claim != null && !PodState.isTerminating(claim)) {
        ObjectNode updated = ClaimOwnership.reconcile(o.set(), claim, pod, condemned);
        if (updated != null) {
          actions.add(new UpdateClaim(updated));
        }
      }
    }
  }

  private static void repairIdentity(String setName, ObjectNode pod, int ord, List<StatefulSetAction> actions) {
    Map<String, String> labels = Meta.labels(pod);
    String name = Meta.name(pod);
    if (!name.equals(labels.get(StatefulSetIdentity.POD_NAME_LABEL))
        || !Integer.toString(ord).equals(labels.get(StatefulSetIdentity.POD_INDEX_LABEL))) {
      ObjectNode fixed = pod.deepCopy();
      ObjectNode l = Meta.of(fixed).with("labels");
      l.put(StatefulSetIdentity.POD_NAME_LABEL, name).put(StatefulSetIdentity.POD_INDEX_LABEL, Integer.toString(ord));
      actions.add(new UpdatePod(fixed));
    }
  }
}
