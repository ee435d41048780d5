package dev.ordinal.controllers.statefulset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Instant;

/** Questions about a pod's state, as the StatefulSet controller asks them. */
public final class PodState {
  private PodState() {}

  public static String phase(ObjectNode pod) {
    return pod.path("status").path("phase").asText("");
  }

  /** The API server sets Pending on creation; an empty phase means not yet created. */
  public static boolean isCreated(ObjectNode pod) {
    return !phase(pod).isEmpty();
  }

  public static boolean isTerminating(ObjectNode pod) {
    return Meta.isDeleting(pod);
  }

  public static boolean isFinished(ObjectNode pod) {
    String p = phase(pod);
    return p.equals("Failed") || p.equals("Succeeded");
  }

  /** Running and Ready, and (after an in-place update) running the images its spec names. */
  public static boolean isRunningAndReady(ObjectNode pod) {
    return phase(pod).equals("Running") && readyCondition(pod) != null
        && readyCondition(pod).path("status").asText().equals("True") && !InPlaceUpdatePlanner.isImageUpdatePending(pod);
  }

  /** Ready for at least {@code minReadySeconds}. */
  public static boolean isAvailable(ObjectNode pod, long minReadySeconds, Instant now) {
    if (!isRunningAndReady(pod)) {
      return false;
    }
    if (minReadySeconds <= 0) {
      return true;
    }
    String since = readyCondition(pod).path("lastTransitionTime").asText("");
    if (since.isEmpty()) {
      return false;
    }
    return !Instant.parse(since).plusSeconds(minReadySeconds).isAfter(now);
  }

  /** The instant the pod becomes available, when it is ready but not yet available. */
  public static Instant availableAt(ObjectNode pod, long minReadySeconds) {
    JsonNode ready = readyCondition(pod);
    String since = ready == null ? "" : ready.path("lastTransitionTime").asText("");
    return since.isEmpty() ? null : Instant.parse(since).plusSeconds(minReadySeconds);
  }

  private static JsonNode readyCondition(ObjectNode pod) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c;
      }
    }
    return null;
  }

  /** Healthy enough for an ordered set to move on: running, ready, available, not going away. */
  public static boolean isHealthy(ObjectNode pod, long minReadySeconds, Instant now) {
    return !isTerminating(pod) && isAvailable(pod, minReadySeconds, now);
  }
}
