package dev.ordinal.controllers.pods;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Instant;

/** The questions workload controllers ask about a pod, as Kubernetes' podutil answers them. */
public final class PodReadiness {
  private PodReadiness() {}

  public static String phase(ObjectNode pod) {
    return pod.path("status").path("phase").asText("");
  }

  /** Counts towards a controller's replicas: not finished and not being deleted. */
  public static boolean isActive(ObjectNode pod) {
    String p = phase(pod);
    return !p.equals("Succeeded") && !p.equals("Failed") && !Meta.isDeleting(pod);
  }

  /** The Ready condition is True. */
  public static boolean isReady(ObjectNode pod) {
    JsonNode c = readyCondition(pod);
    return c != null && c.path("status").asText().equals("True");
  }

  /** When the pod last became ready, or null when it is not ready or the time is unknown. */
  public static Instant readySince(ObjectNode pod) {
    JsonNode c = readyCondition(pod);
    if (c == null || !c.path("status").asText().equals("True")) {
      return null;
    }
    String t = c.path("lastTransitionTime").asText("");
    return t.isEmpty() ? null : Instant.parse(t);
  }

  /** Ready for at least {@code minReadySeconds} (podutil.IsPodAvailable). */
  public static boolean isAvailable(ObjectNode pod, long minReadySeconds, Instant now) {
    if (!isReady(pod)) {
      return false;
    }
    if (minReadySeconds <= 0) {
      return true;
    }
    Instant since = readySince(pod);
    return since != null && !since.plusSeconds(minReadySeconds).isAfter(now);
  }

  /** When a ready, not yet available pod becomes available; null otherwise. */
  public static Instant availableAt(ObjectNode pod, long minReadySeconds, Instant now) {
    Instant since = readySince(pod);
    if (since == null || isAvailable(pod, minReadySeconds, now)) {
      return null;
    }
    return since.plusSeconds(minReadySeconds);
  }

  /** The highest restart count of the pod's containers. */
  public static int restarts(ObjectNode pod) {
    int max = 0;
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      max = Math.max(max, s.path("restartCount").asInt(0));
    }
    return max;
  }

  public static Instant created(ObjectNode pod) {
    String t = Meta.text(pod, "creationTimestamp");
    return t.isEmpty() ? Instant.EPOCH : Instant.parse(t);
  }

  private static JsonNode readyCondition(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c;
      }
    }
    return null;
  }
}
