package dev.ordinal.api.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;

/**
 * What the eviction subresource and the disruption controller both need to know about
 * PodDisruptionBudgets and pods (upstream's component-helpers poddisruptionbudget and
 * api/v1/pod helpers). Pure; works on the objects' JSON.
 */
public final class DisruptionBudgets {
  public static final String DISRUPTION_ALLOWED = "DisruptionAllowed";
  public static final String SUFFICIENT_PODS = "SufficientPods";
  public static final String INSUFFICIENT_PODS = "InsufficientPods";
  public static final String SYNC_FAILED = "SyncFailed";

  private DisruptionBudgets() {}

  /**
   * Whether the budget covers the pod: same namespace and its selector matches the pod's labels.
   * In policy/v1 a missing selector selects nothing and an empty one selects every pod; a selector
   * that does not parse selects nothing.
   */
  public static boolean selects(ObjectNode pdb, ObjectNode pod) {
    if (!namespace(pdb).equals(namespace(pod))) {
      return false;
    }
    JsonNode sel = pdb.path("spec").path("selector");
    if (sel.isMissingNode() || sel.isNull()) {
      return false;
    }
    try {
      LabelSelector s = LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
      return s.matches(labels(pod));
    } catch (SelectorException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The pod's Ready condition is True (upstream's IsPodReady, which is what "healthy" means). */
  public static boolean isReady(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True");
      }
    }
    return false;
  }

  public static boolean isTerminating(ObjectNode pod) {
    JsonNode ts = pod.path("metadata").path("deletionTimestamp");
    return !ts.isMissingNode() && !ts.isNull() && !ts.asText().isEmpty();
  }

  /**
   * Sets the DisruptionAllowed condition from {@code status.disruptionsAllowed}: True with
   * SufficientPods when above zero, else False with InsufficientPods. As apimachinery's
   * SetStatusCondition, the transition time changes only when the status does.
   */
  public static void updateDisruptionAllowedCondition(ObjectNode status, Instant now) {
    boolean allowed = status.path("disruptionsAllowed").asLong(0) > 0;
    setCondition(status, allowed ? "True" : "False", allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS, "", now);
  }

  /** Sets (or adds) the DisruptionAllowed condition with the given status, reason and message. */
  public static void setCondition(ObjectNode status, String conditionStatus, String reason, String message, Instant now) {
    ArrayNode conditions = status.path("conditions").isArray() ? (ArrayNode) status.get("conditions") : status.putArray("conditions");
    ObjectNode cond = null;
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(DISRUPTION_ALLOWED)) {
        cond = (ObjectNode) c;
      }
    }
    if (cond == null) {
      cond = conditions.addObject();
      cond.put("type", DISRUPTION_ALLOWED);
    }
    if (!cond.path("status").asText().equals(conditionStatus) || !cond.hasNonNull("lastTransitionTime")) {
      cond.put("lastTransitionTime", now.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    cond.put("status", conditionStatus).put("reason", reason).put("message", message);
    cond.put("observedGeneration", status.path("observedGeneration").asLong(0));
  }

  /**
   * Whether the DisruptionAllowed condition agrees with disruptionsAllowed and the status has seen
   * the budget's generation (upstream's ConditionsAreUpToDate).
   */
  public static boolean conditionIsUpToDate(ObjectNode pdb) {
    JsonNode status = pdb.path("status");
    if (status.path("observedGeneration").asLong(0) != pdb.path("metadata").path("generation").asLong(0)) {
      return false;
    }
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(DISRUPTION_ALLOWED)) {
        boolean allowed = status.path("disruptionsAllowed").asLong(0) > 0;
        return c.path("status").asText().equals(allowed ? "True" : "False")
            && c.path("reason").asText().equals(allowed ? SUFFICIENT_PODS : INSUFFICIENT_PODS);
      }
    }
    return false;
  }

  private static String namespace(ObjectNode o) {
    return o.path("metadata").path("namespace").asText("");
  }

  private static Map<String, String> labels(ObjectNode o) {
    Map<String, String> out = new HashMap<>();
    o.path("metadata").path("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
