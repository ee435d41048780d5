package dev.ordinal.controllers.deployment;

import static dev.ordinal.controllers.deployment.ReplicaSets.available;
import static dev.ordinal.controllers.deployment.ReplicaSets.replicas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.deployment.DeploymentAction.CreateReplicaSet;
import dev.ordinal.controllers.deployment.DeploymentAction.DeleteReplicaSet;
import dev.ordinal.controllers.deployment.DeploymentAction.ScaleReplicaSet;
import dev.ordinal.controllers.deployment.DeploymentAction.SetRevision;
import dev.ordinal.controllers.deployment.DeploymentAction.UpdateReplicaSet;
import dev.ordinal.controllers.pods.ControllerRefs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides one pass of the Deployment controller, as upstream's {@code syncDeployment}: from the
 * Deployment, the ReplicaSets it owns and their pods, the writes to make and the status to
 * report. A pass does what upstream's does before it returns: a new ReplicaSet (with its first
 * size), a scale-up of the new or a scale-down of old ReplicaSets, proportional scaling when
 * the Deployment was resized mid-rollout, revision bookkeeping, history clean-up, and the
 * Progressing and Available conditions. Writes are simulated on working copies, so later steps
 * of the pass see earlier ones, as upstream's sees the objects its updates returned. Pure.
 */
public final class DeploymentPlanner {
  private static final int MAX_REVISION_HISTORY_CHARS = 2000;

  private DeploymentPlanner() {}

  /** The observed state: the deployment, its claimed ReplicaSets, the pods of those, the time. */
  public record Observed(ObjectNode deployment, List<ObjectNode> replicaSets, List<ObjectNode> pods, Instant now) {}

  /**
   * @param actions the writes, in order
   * @param status the status to write (written when it differs from the deployment's)
   * @param requeue when to look again though nothing changes (the progress deadline)
   */
  public record Plan(List<DeploymentAction> actions, ObjectNode status, Optional<Duration> requeue) {}

  public static Plan plan(Observed o) {
    return new Pass(o).run();
  }

  private static final class Pass {
    final ObjectNode d;
    final Instant now;
    final int desired;
    final int maxSurge;
    final int maxUnavailable;
    final List<ObjectNode> pods;
    final ObjectNode status;
    final List<DeploymentAction> actions = new ArrayList<>();
    /** The ReplicaSets as the pass has left them, by name. */
    final Map<String, ObjectNode> sets = new LinkedHashMap<>();
    ObjectNode newRS;

    Pass(Observed o) {
      this.d = o.deployment();
      this.now = o.now();
      this.pods = o.pods();
      this.desired = replicas(d);
      JsonNode rolling = d.path("spec").path("strategy").path("rollingUpdate");
      if (isRolling()) {
        int surge = ReplicaSets.scaled(rolling.path("maxSurge").isMissingNode() ? com.fasterxml.jackson.databind.node.TextNode.valueOf("25%") : rolling.path("maxSurge"), desired, true);
        int unavailable = ReplicaSets.scaled(rolling.path("maxUnavailable").isMissingNode() ? com.fasterxml.jackson.databind.node.TextNode.valueOf("25%") : rolling.path("maxUnavailable"),
            desired, false);
        if (surge == 0 && unavailable == 0) {
          unavailable = 1; // ResolveFenceposts: never stuck with neither
        }
        this.maxSurge = surge;
        this.maxUnavailable = Math.min(unavailable, desired);
      } else {
        this.maxSurge = 0;
        this.maxUnavailable = 0;
      }
      this.status = d.path("status").isObject() ? d.path("status").deepCopy() : Json.object();
      o.replicaSets().stream().sorted(ReplicaSets.BY_CREATION).forEach(rs -> sets.put(Meta.name(rs), rs));
    }

    boolean isRolling() {
      return !d.path("spec").path("strategy").path("type").asText("RollingUpdate").equals("Recreate");
    }

    boolean hasProgressDeadline() {
      JsonNode p = d.path("spec").path("progressDeadlineSeconds");
      return p.isNumber() && p.asLong() != Integer.MAX_VALUE;
    }

    Plan run() {
      if (Meta.isDeleting(d)) {
        findNewReplicaSet();
        return finish(calculateStatus());
      }
      checkPausedConditions();
      if (d.path("spec").path("paused").asBoolean(false)) {
        return sync();
      }
      if (isScalingEvent()) {
        return sync();
      }
      if (isRolling()) {
        rolloutRolling();
      } else {
        rolloutRecreate();
      }
      return finish(rolloutStatus());
    }

    // --- which ReplicaSet is new, revisions -------------------------------------------------

    List<ObjectNode> all() {
      return new ArrayList<>(sets.values());
    }

    List<ObjectNode> old() {
      List<ObjectNode> out = all();
      if (newRS != null) {
        out.removeIf(rs -> Meta.name(rs).equals(Meta.name(newRS)));
      }
      return out;
    }

    static List<ObjectNode> active(List<ObjectNode> list) {
      return list.stream().filter(rs -> replicas(rs) > 0).toList();
    }

    /** The oldest ReplicaSet whose template is the deployment's (FindNewReplicaSet). */
    void findNewReplicaSet() {
      JsonNode template = d.path("spec").path("template");
      newRS = sets.values().stream().filter(rs -> ReplicaSets.sameTemplate(rs.path("spec").path("template"), template))
          .findFirst().orElse(null);
    }

    /** getAllReplicaSetsAndSyncRevision: finds (or makes) the new ReplicaSet, syncs revisions. */
    void newAndOld(boolean create) {
      findNewReplicaSet();
      long maxOld = old().stream().mapToLong(ReplicaSets::revision).max().orElse(0);
      String newRevision = Long.toString(maxOld + 1);
      if (newRS != null) {
        ObjectNode copy = newRS.deepCopy();
        boolean changed = setNewReplicaSetAnnotations(copy, newRevision, true);
        long minReady = d.path("spec").path("minReadySeconds").asLong(0);
        if (copy.path("spec").path("minReadySeconds").asLong(0) != minReady) {
          ((ObjectNode) copy.path("spec")).put("minReadySeconds", minReady);
          changed = true;
        }
        if (changed) {
          write(new UpdateReplicaSet(copy), copy);
        }
        setRevision(Meta.annotations(copy).getOrDefault(ReplicaSets.REVISION, ""));
        if (hasProgressDeadline() && DeploymentConditions.get(status, DeploymentConditions.PROGRESSING) == null) {
          DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
              DeploymentConditions.FOUND_NEW_RS, "Found new replica set \"" + Meta.name(copy) + "\"", now));
        }
        return;
      }
      if (!create) {
        return;
      }
      ObjectNode rs = newReplicaSetFor(d, status.path("collisionCount").asLong(0));
      newRS = rs; // counted at 0 replicas while its first size is worked out
      sets.put(Meta.name(rs), rs);
      int size = newRSNewReplicas();
      ((ObjectNode) rs.path("spec")).put("replicas", size);
      setNewReplicaSetAnnotations(rs, newRevision, false);
      actions.add(new CreateReplicaSet(rs));
      setRevision(newRevision);
      if (hasProgressDeadline()) {
        DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
            DeploymentConditions.NEW_RS_CREATED, "Created new replica set \"" + Meta.name(rs) + "\"", now));
      }
    }

    void setRevision(String revision) {
      if (!Meta.annotations(d).getOrDefault(ReplicaSets.REVISION, "").equals(revision)) {
        actions.add(new SetRevision(revision));
      }
    }

    /** SetNewReplicaSetAnnotations: the deployment's annotations, the revision and its history. */
    boolean setNewReplicaSetAnnotations(ObjectNode rs, String newRevision, boolean exists) {
      ObjectNode annotations = Meta.of(rs).with("annotations");
      boolean changed = false;
      for (Map.Entry<String, String> e : Meta.annotations(d).entrySet()) {
        if (!ReplicaSets.NOT_COPIED.contains(e.getKey()) && !e.getValue().equals(annotations.path(e.getKey()).asText(null))) {
          annotations.put(e.getKey(), e.getValue());
          changed = true;
        }
      }
      String oldRevision = annotations.path(ReplicaSets.REVISION).asText("");
      long oldInt = ReplicaSets.revision(rs);
      long newInt = Long.parseLong(newRevision);
      if (oldInt < newInt) {
        annotations.put(ReplicaSets.REVISION, newRevision);
        changed = true;
        if (!oldRevision.isEmpty()) {
          String history = annotations.path(ReplicaSets.REVISION_HISTORY).asText("");
          if (history.isEmpty()) {
            annotations.put(ReplicaSets.REVISION_HISTORY, oldRevision);
          } else {
            List<String> revs = new ArrayList<>(List.of(history.split(",")));
            int total = history.length() + oldRevision.length() + 1;
            while (total > MAX_REVISION_HISTORY_CHARS && !revs.isEmpty()) {
              total -= revs.removeFirst().length() + 1;
            }
            revs.add(oldRevision);
            annotations.put(ReplicaSets.REVISION_HISTORY, String.join(",", revs));
          }
        }
      }
      if (!exists && setReplicasAnnotations(rs)) {
        changed = true;
      }
      return changed;
    }

    boolean setReplicasAnnotations(ObjectNode rs) {
      ObjectNode annotations = Meta.of(rs).with("annotations");
      String want = Integer.toString(desired);
      String wantMax = Integer.toString(desired + maxSurge);
      boolean changed = !want.equals(annotations.path(ReplicaSets.DESIRED_REPLICAS).asText(null))
          || !wantMax.equals(annotations.path(ReplicaSets.MAX_REPLICAS).asText(null));
      annotations.put(ReplicaSets.DESIRED_REPLICAS, want).put(ReplicaSets.MAX_REPLICAS, wantMax);
      return changed;
    }

    /** Records a write and keeps the pass's copy of the set. */
    void write(DeploymentAction a, ObjectNode rs) {
      actions.add(a);
      sets.put(Meta.name(rs), rs);
      if (newRS != null && Meta.name(newRS).equals(Meta.name(rs))) {
        newRS = rs;
      }
    }

    /** scaleReplicaSetAndRecordEvent: true when the size changed. */
    boolean scale(ObjectNode rs, int to) {
      int from = replicas(rs);
      if (from == to) {
        return false;
      }
      ObjectNode copy = rs.deepCopy();
      ((ObjectNode) copy.path("spec")).put("replicas", to);
      setReplicasAnnotations(copy);
      write(new ScaleReplicaSet(copy, from, to), copy);
      return true;
    }

    /** scaleReplicaSet: the size or the replica annotations, whichever differs. */
    void scaleWithAnnotations(ObjectNode rs, int to) {
      ObjectNode copy = rs.deepCopy();
      boolean annotations = setReplicasAnnotations(copy);
      int from = replicas(rs);
      if (from != to) {
        ((ObjectNode) copy.path("spec")).put("replicas", to);
        write(new ScaleReplicaSet(copy, from, to), copy);
      } else if (annotations) {
        write(new UpdateReplicaSet(copy), copy);
      }
    }

    // --- rolling update ---------------------------------------------------------------------

    int total(List<ObjectNode> list) {
      return list.stream().mapToInt(ReplicaSets::replicas).sum();
    }

    /** NewRSNewReplicas: how big the new ReplicaSet may be now. */
    int newRSNewReplicas() {
      if (!isRolling()) {
        return desired;
      }
      int current = total(all());
      int maxTotal = desired + maxSurge;
      if (current >= maxTotal) {
        return replicas(newRS);
      }
      int up = Math.min(maxTotal - current, desired - replicas(newRS));
      return replicas(newRS) + up;
    }

    void rolloutRolling() {
      newAndOld(true);
      boolean scaledUp = reconcileNewReplicaSet();
      boolean scaledDown = !scaledUp && reconcileOldReplicaSets();
      if (!scaledUp && !scaledDown && isComplete(status)) {
        cleanup();
      }
    }

    boolean reconcileNewReplicaSet() {
      int size = replicas(newRS);
      if (size == desired) {
        return false;
      }
      if (size > desired) {
        return scale(newRS, desired);
      }
      return scale(newRS, newRSNewReplicas());
    }

    boolean reconcileOldReplicaSets() {
      int oldPods = total(old());
      if (oldPods == 0) {
        return false;
      }
      int minAvailable = desired - maxUnavailable;
      int newUnavailable = replicas(newRS) - available(newRS);
      int maxScaledDown = total(all()) - minAvailable - newUnavailable;
      if (maxScaledDown <= 0) {
        return false;
      }
      int cleaned = cleanupUnhealthyReplicas(maxScaledDown);
      int scaledDown = scaleDownOldForRollingUpdate();
      return cleaned + scaledDown > 0;
    }

    /** Old ReplicaSets' unavailable pods go first, oldest set first. */
    int cleanupUnhealthyReplicas(int maxCleanup) {
      int done = 0;
      for (ObjectNode rs : old().stream().sorted(ReplicaSets.BY_CREATION).toList()) {
        if (done >= maxCleanup) {
          break;
        }
        int size = replicas(rs);
        if (size == 0 || size == available(rs)) {
          continue;
        }
        int down = Math.min(maxCleanup - done, size - available(rs));
        scale(rs, size - down);
        done += down;
      }
      return done;
    }

    int scaleDownOldForRollingUpdate() {
      int minAvailable = desired - maxUnavailable;
      int availableNow = all().stream().mapToInt(ReplicaSets::available).sum();
      if (availableNow <= minAvailable) {
        return 0;
      }
      int toScaleDown = availableNow - minAvailable;
      int done = 0;
      for (ObjectNode rs : old().stream().sorted(ReplicaSets.BY_CREATION).toList()) {
        if (done >= toScaleDown) {
          break;
        }
        int size = replicas(rs);
        if (size == 0) {
          continue;
        }
        int down = Math.min(size, toScaleDown - done);
        scale(rs, size - down);
        done += down;
      }
      return done;
    }

    // --- recreate ---------------------------------------------------------------------------

    void rolloutRecreate() {
      newAndOld(false);
      boolean scaledDown = false;
      for (ObjectNode rs : active(old())) {
        scaledDown |= scale(rs, 0);
      }
      if (scaledDown || oldPodsRunning()) {
        return;
      }
      if (newRS == null) {
        newAndOld(true);
      }
      scale(newRS, desired);
      if (isComplete(status)) {
        cleanup();
      }
    }

    /** Pods of old ReplicaSets that have not finished, terminating ones included. */
    boolean oldPodsRunning() {
      if (old().stream().mapToInt(ReplicaSets::statusReplicas).sum() > 0) {
        return true;
      }
      java.util.Set<String> oldUids = new java.util.HashSet<>();
      old().forEach(rs -> oldUids.add(Meta.uid(rs)));
      for (ObjectNode p : pods) {
        ObjectNode ref = ControllerRefs.controllerOf(p);
        String phase = p.path("status").path("phase").asText("");
        if (ref != null && oldUids.contains(ref.path("uid").asText()) && !phase.equals("Failed") && !phase.equals("Succeeded")) {
          return true;
        }
      }
      return false;
    }

    // --- scaling without a rollout (paused, or resized) ----------------------------------------

    boolean isScalingEvent() {
      findNewReplicaSet();
      List<ObjectNode> list = new ArrayList<>(old());
      if (newRS != null) {
        list.add(newRS);
      }
      for (ObjectNode rs : active(list)) {
        int annotated = ReplicaSets.intAnnotation(rs, ReplicaSets.DESIRED_REPLICAS);
        if (annotated >= 0 && annotated != desired) {
          return true;
        }
      }
      return false;
    }

    Plan sync() {
      newAndOld(false);
      scaleProportionally();
      if (d.path("spec").path("paused").asBoolean(false)) {
        cleanup();
      }
      return finish(calculateStatus());
    }

    /** upstream's {@code scale}: resize the one active set, or share the change out by size. */
    void scaleProportionally() {
      List<ObjectNode> everything = all();
      if (everything.isEmpty()) {
        return;
      }
      List<ObjectNode> activeSets = active(everything);
      ObjectNode only = null;
      if (activeSets.isEmpty()) {
        only = newRS != null ? newRS : old().stream().sorted(ReplicaSets.BY_CREATION.reversed()).findFirst().orElse(null);
      } else if (activeSets.size() == 1) {
        only = activeSets.getFirst();
      }
      if (only != null) {
        if (replicas(only) != desired) {
          scaleWithAnnotations(only, desired);
        }
        return;
      }
      if (newRS != null && isSaturated(newRS)) {
        for (ObjectNode rs : active(old())) {
          scaleWithAnnotations(rs, 0);
        }
        return;
      }
      if (!isRolling()) {
        return;
      }
      int allowed = desired > 0 ? desired + maxSurge : 0;
      int toAdd = allowed - total(activeSets);
      List<ObjectNode> ordered = new ArrayList<>(activeSets);
      ordered.sort(toAdd > 0 ? ReplicaSets.BY_SIZE_NEWER : ReplicaSets.BY_SIZE_OLDER);
      Map<String, Integer> sizes = new LinkedHashMap<>();
      int added = 0;
      for (ObjectNode rs : ordered) {
        if (toAdd != 0) {
          int p = proportion(rs, toAdd, added);
          sizes.put(Meta.name(rs), replicas(rs) + p);
          added += p;
        } else {
          sizes.put(Meta.name(rs), replicas(rs));
        }
      }
      for (int i = 0; i < ordered.size(); i++) {
        ObjectNode rs = ordered.get(i);
        int size = sizes.get(Meta.name(rs));
        if (i == 0 && toAdd != 0) {
          size = Math.max(0, size + toAdd - added); // leftovers go to the largest
        }
        scaleWithAnnotations(rs, size);
      }
    }

    boolean isSaturated(ObjectNode rs) {
      return ReplicaSets.intAnnotation(rs, ReplicaSets.DESIRED_REPLICAS) == desired && replicas(rs) == desired
          && available(rs) == desired;
    }

    int proportion(ObjectNode rs, int toAdd, int added) {
      if (replicas(rs) == 0 || toAdd == 0 || toAdd == added) {
        return 0;
      }
      int fraction;
      if (desired == 0) {
        fraction = -replicas(rs);
      } else {
        int annotated = ReplicaSets.intAnnotation(rs, ReplicaSets.MAX_REPLICAS);
        if (annotated < 0) {
          annotated = d.path("status").path("replicas").asInt(0);
        }
        double newSize = annotated == 0 ? replicas(rs) : (double) replicas(rs) * (desired + maxSurge) / annotated;
        fraction = (int) Math.round(newSize) - replicas(rs);
      }
      int allowed = toAdd - added;
      return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    // --- history ------------------------------------------------------------------------------

    void cleanup() {
      JsonNode limitNode = d.path("spec").path("revisionHistoryLimit");
      if (!limitNode.isNumber()) {
        return;
      }
      List<ObjectNode> cleanable = old().stream().filter(rs -> !Meta.isDeleting(rs)).sorted(ReplicaSets.BY_REVISION).toList();
      int diff = cleanable.size() - limitNode.asInt();
      for (int i = 0; i < diff; i++) {
        ObjectNode rs = cleanable.get(i);
        if (ReplicaSets.statusReplicas(rs) != 0 || replicas(rs) != 0
            || rs.path("metadata").path("generation").asLong(0) > rs.path("status").path("observedGeneration").asLong(0)) {
          continue;
        }
        actions.add(new DeleteReplicaSet(rs));
      }
    }

    // --- status -------------------------------------------------------------------------------

    void checkPausedConditions() {
      if (!hasProgressDeadline()) {
        return;
      }
      ObjectNode cond = DeploymentConditions.get(status, DeploymentConditions.PROGRESSING);
      if (cond != null && cond.path("reason").asText().equals(DeploymentConditions.TIMED_OUT)) {
        return;
      }
      boolean pausedCond = cond != null && cond.path("reason").asText().equals(DeploymentConditions.PAUSED);
      boolean paused = d.path("spec").path("paused").asBoolean(false);
      if (paused && !pausedCond) {
        DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "Unknown",
            DeploymentConditions.PAUSED, "Deployment is paused", now));
      } else if (!paused && pausedCond) {
        DeploymentConditions.set(status, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "Unknown",
            DeploymentConditions.RESUMED, "Deployment is resumed", now));
      }
    }

    ObjectNode calculateStatus() {
      List<ObjectNode> list = all();
      int availableNow = list.stream().mapToInt(ReplicaSets::available).sum();
      int unavailable = Math.max(0, total(list) - availableNow);
      ObjectNode s = Json.object();
      s.put("observedGeneration", d.path("metadata").path("generation").asLong(0));
      s.put("replicas", list.stream().mapToInt(ReplicaSets::statusReplicas).sum());
      s.put("updatedReplicas", newRS == null ? 0 : ReplicaSets.statusReplicas(newRS));
      s.put("readyReplicas", list.stream().mapToInt(ReplicaSets::ready).sum());
      s.put("availableReplicas", availableNow);
      s.put("unavailableReplicas", unavailable);
      if (status.has("conditions")) {
        s.set("conditions", status.path("conditions").deepCopy());
      }
      if (status.has("collisionCount")) {
        s.set("collisionCount", status.path("collisionCount"));
      }
      if (availableNow >= desired - maxUnavailable) {
        DeploymentConditions.set(s, DeploymentConditions.condition(DeploymentConditions.AVAILABLE, "True",
            DeploymentConditions.MIN_AVAILABLE, "Deployment has minimum availability.", now));
      } else {
        DeploymentConditions.set(s, DeploymentConditions.condition(DeploymentConditions.AVAILABLE, "False",
            DeploymentConditions.MIN_UNAVAILABLE, "Deployment does not have minimum availability.", now));
      }
      return s;
    }

    boolean isComplete(JsonNode s) {
      return s.path("updatedReplicas").asInt(0) == desired && s.path("replicas").asInt(0) == desired
          && s.path("availableReplicas").asInt(0) == desired
          && s.path("observedGeneration").asLong(0) >= d.path("metadata").path("generation").asLong(0);
    }

    /** syncRolloutStatus: the counts plus what progress the rollout made. */
    ObjectNode rolloutStatus() {
      ObjectNode s = calculateStatus();
      if (!hasProgressDeadline()) {
        DeploymentConditions.remove(s, DeploymentConditions.PROGRESSING);
      }
      ObjectNode current = DeploymentConditions.get(status, DeploymentConditions.PROGRESSING);
      boolean completeBefore = s.path("replicas").asInt() == s.path("updatedReplicas").asInt() && current != null
          && current.path("reason").asText().equals(DeploymentConditions.NEW_RS_AVAILABLE);
      String subject = newRS != null ? "ReplicaSet \"" + Meta.name(newRS) + "\"" : "Deployment \"" + Meta.name(d) + "\"";
      if (hasProgressDeadline() && !completeBefore) {
        if (isComplete(s)) {
          DeploymentConditions.set(s, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
              DeploymentConditions.NEW_RS_AVAILABLE, subject + " has successfully progressed.", now));
        } else if (isProgressing(s)) {
          ObjectNode c = DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "True",
              DeploymentConditions.RS_UPDATED, subject + " is progressing.", now);
          if (current != null) {
            if (current.path("status").asText().equals("True")) {
              c.set("lastTransitionTime", current.path("lastTransitionTime"));
            }
            DeploymentConditions.remove(s, DeploymentConditions.PROGRESSING);
          }
          DeploymentConditions.set(s, c);
        } else if (isTimedOut(s)) {
          DeploymentConditions.set(s, DeploymentConditions.condition(DeploymentConditions.PROGRESSING, "False",
              DeploymentConditions.TIMED_OUT, subject + " has timed out progressing.", now));
        }
      }
      ObjectNode failure = replicaFailure();
      if (failure != null) {
        DeploymentConditions.set(s, failure);
      } else {
        DeploymentConditions.remove(s, DeploymentConditions.REPLICA_FAILURE);
      }
      return s;
    }

    boolean isProgressing(JsonNode s) {
      JsonNode old = d.path("status");
      int oldOld = old.path("replicas").asInt(0) - old.path("updatedReplicas").asInt(0);
      int newOld = s.path("replicas").asInt(0) - s.path("updatedReplicas").asInt(0);
      return s.path("updatedReplicas").asInt(0) > old.path("updatedReplicas").asInt(0) || newOld < oldOld
          || s.path("readyReplicas").asInt(0) > old.path("readyReplicas").asInt(0)
          || s.path("availableReplicas").asInt(0) > old.path("availableReplicas").asInt(0);
    }

    boolean isTimedOut(JsonNode s) {
      ObjectNode c = DeploymentConditions.get(s, DeploymentConditions.PROGRESSING);
      if (c == null || c.path("reason").asText().equals(DeploymentConditions.NEW_RS_AVAILABLE)) {
        return false;
      }
      if (c.path("reason").asText().equals(DeploymentConditions.TIMED_OUT)) {
        return true;
      }
      Instant from = Instant.parse(c.path("lastUpdateTime").asText(Meta.timestamp(now)));
      return from.plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong()).isBefore(now);
    }

    /** The new (else any) ReplicaSet's ReplicaFailure condition, as the deployment's. */
    ObjectNode replicaFailure() {
      List<ObjectNode> order = new ArrayList<>();
      if (newRS != null) {
        order.add(newRS);
      }
      order.addAll(old());
      for (ObjectNode rs : order) {
        for (JsonNode c : rs.path("status").path("conditions")) {
          if (c.path("type").asText().equals(DeploymentConditions.REPLICA_FAILURE) && c.path("status").asText().equals("True")) {
            ObjectNode out = DeploymentConditions.condition(DeploymentConditions.REPLICA_FAILURE, "True",
                c.path("reason").asText(), c.path("message").asText(), now);
            return out;
          }
        }
      }
      return null;
    }

    Plan finish(ObjectNode s) {
      Optional<Duration> requeue = Optional.empty();
      ObjectNode c = DeploymentConditions.get(s, DeploymentConditions.PROGRESSING);
      if (c != null && hasProgressDeadline() && !d.path("spec").path("paused").asBoolean(false)
          && !c.path("reason").asText().equals(DeploymentConditions.NEW_RS_AVAILABLE)
          && !c.path("reason").asText().equals(DeploymentConditions.TIMED_OUT)) {
        Instant at = Instant.parse(c.path("lastUpdateTime").asText()).plusSeconds(d.path("spec").path("progressDeadlineSeconds").asLong());
        Duration after = Duration.between(now, at);
        requeue = Optional.of(after.isNegative() ? Duration.ofMillis(100) : after.plusMillis(100));
      }
      return new Plan(List.copyOf(actions), s, requeue);
    }
  }

  /** The new ReplicaSet of a deployment's template, at size 0, named {@code <deployment>-<hash>}. */
  static ObjectNode newReplicaSetFor(ObjectNode d, long collisionCount) {
    ObjectNode template = d.path("spec").path("template").deepCopy();
    String hash = ReplicaSets.hash(template, collisionCount);
    ((ObjectNode) template).with("metadata").with("labels").put(ReplicaSets.HASH_LABEL, hash);
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    ObjectNode meta = rs.putObject("metadata");
    meta.put("name", Meta.name(d) + "-" + hash).put("namespace", Meta.namespace(d));
    meta.set("labels", template.path("metadata").path("labels").deepCopy());
    meta.putArray("ownerReferences").add(ControllerRefs.ownerReference(d));
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", 0).put("minReadySeconds", d.path("spec").path("minReadySeconds").asLong(0));
    ObjectNode selector = d.path("spec").path("selector").deepCopy();
    selector.with("matchLabels").put(ReplicaSets.HASH_LABEL, hash);
    spec.set("selector", selector);
    spec.set("template", template);
    return rs;
  }
}
