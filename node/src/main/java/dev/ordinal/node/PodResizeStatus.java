package dev.ordinal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a pod's status says of in-place resizes, as kubelet 1.33 reports them (pure):
 * {@code containerStatuses[].allocatedResources} (the requests the node allocated: every resize
 * asked of this node is allocated at once) and {@code .resources} (the requests and limits the
 * running container's cgroup has), and the {@code PodResizeInProgress} condition while some
 * running container's cgroup does not have its spec's yet (reason {@code Error} with the
 * runtime's words when applying them failed). 1.33 reports these as conditions; the deprecated
 * {@code status.resize} is not written. {@code PodResizePending} (Deferred, Infeasible) never
 * arises: the node does not refuse a resize for want of room.
 */
final class PodResizeStatus {
  private PodResizeStatus() {}

  /** A restartable init container, whose resources a resize may change too. */
  static boolean isSidecar(JsonNode spec) {
    return spec.path("restartPolicy").asText("").equals("Always");
  }

  /** Adds allocatedResources and (for a running container) resources to one container status. */
  static void report(ObjectNode cs, JsonNode spec, ContainerState s) {
    JsonNode requests = cpuMemory(spec.path("resources").path("requests"));
    if (requests.size() > 0) {
      cs.set("allocatedResources", requests);
    }
    if (s.state() != ContainerState.State.RUNNING) {
      return;
    }
    JsonNode applied = s.resources() != null ? s.resources() : spec.path("resources");
    ObjectNode resources = cs.putObject("resources");
    for (String list : List.of("limits", "requests")) {
      JsonNode l = cpuMemory(applied.path(list));
      if (l.size() > 0) {
        resources.set(list, l);
      }
    }
  }

  /** The resize conditions the pod has now: PodResizeInProgress while one is being applied, or none. */
  static List<ObjectNode> conditions(ObjectNode pod, PodObservation obs, JsonNode oldStatus, Instant now) {
    List<ObjectNode> out = new ArrayList<>();
    String error = "";
    boolean inProgress = false;
    List<JsonNode> specs = new ArrayList<>();
    pod.path("spec").path("containers").forEach(specs::add);
    for (JsonNode spec : specs) {
      ContainerState s = obs.containers().stream().filter(c -> c.name().equals(spec.path("name").asText())).findFirst().orElse(null);
      if (s == null || s.state() != ContainerState.State.RUNNING || s.resources() == null) {
        continue;
      }
      if (!cpuMemoryOf(s.resources()).equals(cpuMemoryOf(spec.path("resources")))) {
        inProgress = true;
        if (!s.resizeError().isEmpty()) {
          error = s.resizeError();
        }
      }
    }
    if (inProgress) {
      ObjectNode c = Json.object();
      c.put("type", "PodResizeInProgress").put("status", "True");
      String since = Meta.timestamp(now);
      for (JsonNode o : oldStatus.path("conditions")) {
        if (o.path("type").asText().equals("PodResizeInProgress")) {
          since = o.path("lastTransitionTime").asText(since);
        }
      }
      c.put("lastTransitionTime", since);
      if (!error.isEmpty()) {
        c.put("reason", "Error").put("message", error);
      }
      out.add(c);
    }
    return out;
  }

  private static ObjectNode cpuMemoryOf(JsonNode resources) {
    ObjectNode out = Json.object();
    out.set("limits", cpuMemory(resources.path("limits")));
    out.set("requests", cpuMemory(resources.path("requests")));
    return out;
  }

  private static ObjectNode cpuMemory(JsonNode list) {
    ObjectNode out = Json.object();
    for (String r : List.of("cpu", "memory")) {
      if (list.has(r)) {
        out.set(r, list.get(r));
      }
    }
    return out;
  }
}
