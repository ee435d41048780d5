package dev.ordinal.scheduler.taints;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Which taints a pod's tolerations tolerate, as Kubernetes' {@code Toleration.ToleratesTaint}
 * decides: an empty effect matches every effect, an empty key (with {@code Exists}) every key,
 * {@code Equal} (the default operator) compares values. Pure functions over JSON.
 */
public final class Tolerations {
  private Tolerations() {}

  /** Whether one toleration tolerates one taint. */
  public static boolean tolerates(JsonNode toleration, JsonNode taint) {
    String effect = toleration.path("effect").asText("");
    if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText(""))) {
      return false;
    }
    String key = toleration.path("key").asText("");
    if (!key.isEmpty() && !key.equals(taint.path("key").asText(""))) {
      return false;
    }
    return switch (toleration.path("operator").asText("")) {
      case "", "Equal" -> toleration.path("value").asText("").equals(taint.path("value").asText(""));
      case "Exists" -> true;
      default -> false;
    };
  }

  /** Whether any of the tolerations tolerates the taint. */
  public static boolean tolerated(JsonNode tolerations, JsonNode taint) {
    for (JsonNode t : tolerations) {
      if (tolerates(t, taint)) {
        return true;
      }
    }
    return false;
  }

  /** The first of the node's taints of the given effects that no toleration tolerates, or null. */
  public static JsonNode firstUntolerated(JsonNode taints, JsonNode tolerations, Predicate<String> effects) {
    for (JsonNode taint : taints) {
      if (effects.test(taint.path("effect").asText("")) && !tolerated(tolerations, taint)) {
        return taint;
      }
    }
    return null;
  }

  /** The node's taints with the effect (e.g. NoExecute). */
  public static List<JsonNode> withEffect(JsonNode taints, String effect) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode taint : taints) {
      if (taint.path("effect").asText("").equals(effect)) {
        out.add(taint);
      }
    }
    return out;
  }

  /** Whether the effect keeps new pods off a node: NoSchedule and NoExecute. */
  public static boolean keepsPodsOff(String effect) {
    return effect.equals("NoSchedule") || effect.equals("NoExecute");
  }
}
