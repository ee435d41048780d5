package dev.ordinal.controllers.disruption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.policy.DisruptionBudgets;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Upstream's disruption controller arithmetic, pure: from a budget, the pods it selects and their
 * controllers' scale, the budget's status (expectedPods, desiredHealthy, currentHealthy,
 * disruptionsAllowed, disruptedPods, observedGeneration, the DisruptionAllowed condition), the
 * events to record, and when to look again (when a disrupted pod's entry expires).
 */
final class DisruptionPlanner {
  /** How long a pod stays in disruptedPods waiting for its deletion (upstream's DeletionTimeout). */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  /** An event about the budget (pod null) or about one of its pods. */
  record Event(ObjectNode pod, boolean warning, String reason, String message) {}

  /**
   * What to do for one budget.
   *
   * @param status the status to write, or null when the stored one is current
   * @param recheckAfter when to look again although nothing changed, or null
   */
  record Plan(ObjectNode status, Duration recheckAfter, List<Event> events) {}

  private DisruptionPlanner() {}

  /** @param pods the pods the budget's selector selects in its namespace */
  static Plan plan(ObjectNode pdb, List<ObjectNode> pods, ControllerScales scales, Instant now) {
    List<Event> events = new ArrayList<>();
    if (pods.isEmpty()) {
      events.add(new Event(null, false, "NoPods", "No matching pods found"));
    }
    Counts counts;
    try {
      counts = expected(pdb, pods, scales);
    } catch (ControllerScales.ScaleException e) {
      events.add(new Event(null, true, "CalculateExpectedPodCountFailed",
          "Failed to calculate the number of expected pods: " + e.getMessage()));
      return new Plan(failSafe(pdb, e.getMessage(), now), null, events);
    }
    if (!counts.unmanaged().isEmpty()) {
      events.add(new Event(null, true, "UnmanagedPods", "Pods selected by this PodDisruptionBudget (selector: "
          + selectorText(pdb) + ") were found to be unmanaged. As a result, the status of the PDB cannot be calculated "
          + "correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" "
          + "field of the PDB to an integer value."));
    }
    Map<String, String> disrupted = new TreeMap<>();
    Instant recheck = null;
    JsonNode recorded = pdb.path("status").path("disruptedPods");
    for (ObjectNode pod : pods) {
      String name = Meta.name(pod);
      if (DisruptionBudgets.isTerminating(pod) || !recorded.has(name)) {
        continue;
      }
      Instant at = parse(recorded.get(name).asText());
      Instant expected = at.plus(DELETION_TIMEOUT);
      if (expected.isBefore(now)) {
        events.add(new Event(pod, true, "NotDeleted", "Pod was expected by PDB " + Meta.namespace(pdb) + "/"
            + Meta.name(pdb) + " to be deleted but it wasn't"));
      } else {
        disrupted.put(name, recorded.get(name).asText());
        if (recheck == null || expected.isBefore(recheck)) {
          recheck = expected;
        }
      }
    }
    long healthy = 0;
    for (ObjectNode pod : pods) {
      String when = disrupted.get(Meta.name(pod));
      if (DisruptionBudgets.isTerminating(pod) || (when != null && parse(when).plus(DELETION_TIMEOUT).isAfter(now))) {
        continue;
      }
      if (DisruptionBudgets.isReady(pod)) {
        healthy++;
      }
    }
    ObjectNode status = status(pdb, healthy, counts, disrupted, now);
    return new Plan(status, recheck == null ? null : Duration.between(now, recheck), events);
  }

  /** expectedPods, desiredHealthy and the pods without a controller (getExpectedPodCount). */
  record Counts(long expected, long desired, List<String> unmanaged) {}

  static Counts expected(ObjectNode pdb, List<ObjectNode> pods, ControllerScales scales) throws ControllerScales.ScaleException {
    JsonNode max = pdb.path("spec").path("maxUnavailable");
    JsonNode min = pdb.path("spec").path("minAvailable");
    if (present(max)) {
      Counts scale = expectedScale(pods, scales);
      long desired = Math.max(0, scale.expected() - scaled(max, scale.expected()));
      return new Counts(scale.expected(), desired, scale.unmanaged());
    }
    if (present(min)) {
      if (min.isIntegralNumber()) {
        return new Counts(pods.size(), min.asLong(), List.of());
      }
      Counts scale = expectedScale(pods, scales);
      return new Counts(scale.expected(), scaled(min, scale.expected()), scale.unmanaged());
    }
    return new Counts(0, 0, List.of());
  }

  /** The sum of the scales of the pods' controllers, each counted once (getExpectedScale). */
  private static Counts expectedScale(List<ObjectNode> pods, ControllerScales scales) throws ControllerScales.ScaleException {
    Map<String, Long> byController = new LinkedHashMap<>();
    List<String> unmanaged = new ArrayList<>();
    for (ObjectNode pod : pods) {
      ObjectNode ref = ControllerScales.controllerOf(pod);
      if (ref == null) {
        unmanaged.add(Meta.name(pod));
        continue;
      }
      if (byController.containsKey(ref.path("uid").asText(""))) {
        continue;
      }
      Optional<ControllerScales.Scale> scale = scales.of(Meta.namespace(pod), ref);
      if (scale.isEmpty()) {
        throw new ControllerScales.ScaleException("found no controllers for pod \"" + Meta.name(pod) + "\"");
      }
      byController.put(scale.get().uid(), scale.get().replicas());
    }
    return new Counts(byController.values().stream().mapToLong(Long::longValue).sum(), 0, unmanaged);
  }

  /** intstr.GetScaledValueFromIntOrPercent, rounding up. */
  static long scaled(JsonNode v, long total) throws ControllerScales.ScaleException {
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    String s = v.asText("");
    if (!s.matches("[0-9]+%")) {
      throw new ControllerScales.ScaleException("invalid value for IntOrString: invalid type: string is not a percentage");
    }
    long percent = Long.parseLong(s.substring(0, s.length() - 1));
    return (percent * total + 99) / 100;
  }

  /** The new status, or null when the stored one already says all this (updatePdbStatus). */
  private static ObjectNode status(ObjectNode pdb, long healthy, Counts counts, Map<String, String> disrupted, Instant now) {
    long allowed = healthy - counts.desired();
    if (counts.expected() <= 0 || allowed <= 0) {
      allowed = 0;
    }
    JsonNode old = pdb.path("status");
    long generation = pdb.path("metadata").path("generation").asLong(0);
    if (old.path("currentHealthy").asLong(-1) == healthy && old.path("desiredHealthy").asLong(-1) == counts.desired()
        && old.path("expectedPods").asLong(-1) == counts.expected() && old.path("disruptionsAllowed").asLong(-1) == allowed
        && stringMap(old.path("disruptedPods")).equals(disrupted)
        && old.path("observedGeneration").asLong(-1) == generation && DisruptionBudgets.conditionIsUpToDate(pdb)) {
      return null;
    }
    ObjectNode status = Json.object();
    status.put("observedGeneration", generation);
    if (!disrupted.isEmpty()) {
      ObjectNode d = status.putObject("disruptedPods");
      disrupted.forEach(d::put);
    }
    status.put("disruptionsAllowed", allowed).put("currentHealthy", healthy).put("desiredHealthy", counts.desired())
        .put("expectedPods", counts.expected());
    if (old.path("conditions").isArray()) {
      status.set("conditions", old.path("conditions").deepCopy());
    }
    DisruptionBudgets.updateDisruptionAllowedCondition(status, now);
    return status;
  }

  /** When the status cannot be computed: no disruptions, and why (failSafe). */
  static ObjectNode failSafe(ObjectNode pdb, String why, Instant now) {
    ObjectNode status = pdb.path("status").isObject() ? pdb.path("status").deepCopy() : Json.object();
    status.put("disruptionsAllowed", 0);
    DisruptionBudgets.setCondition(status, "False", DisruptionBudgets.SYNC_FAILED, why, now);
    return status;
  }

  private static boolean present(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  private static Map<String, String> stringMap(JsonNode n) {
    Map<String, String> out = new TreeMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static Instant parse(String t) {
    try {
      return Instant.parse(t);
    } catch (RuntimeException e) {
      return Instant.EPOCH; // an unreadable time has long expired
    }
  }

  private static String selectorText(ObjectNode pdb) {
    return pdb.path("spec").path("selector").toString();
  }
}
