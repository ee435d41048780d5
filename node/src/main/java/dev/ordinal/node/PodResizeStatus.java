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
 * {@code status.resize} is not written. A resize whose requests exceed the node's capacity is not
 * applied: {@code PodResizePending} with reason {@code Infeasible}, and the containers keep what
 * they were allocated (kubelet 1.33's check against allocatable; Deferred, the room other pods
 * take, is not judged).
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

  /**
   * Kubelet's Infeasible verdict: a resize is asked (a running container's reported resources
   * differ from its spec) and the pod's requests exceed the node's capacity; upstream's message,
   * or null when it fits or nothing is asked.
   */
  static String infeasible(ObjectNode pod, long nodeMilliCpu, long nodeMemoryBytes) {
    if (!resizeAsked(pod)) {
      return null;
    }
    long cpu = 0;
    long memory = 0;
    for (JsonNode c : pod.path("spec").path("containers")) {
      cpu += amount(c.path("resources").path("requests").path("cpu")).movePointRight(3).longValue();
      memory += amount(c.path("resources").path("requests").path("memory")).longValue();
    }
    if (cpu > nodeMilliCpu) {
      return "Node didn't have enough capacity: cpu, requested: " + cpu + ", capacity: " + nodeMilliCpu;
    }
    if (memory > nodeMemoryBytes) {
      return "Node didn't have enough capacity: memory, requested: " + memory + ", capacity: " + nodeMemoryBytes;
    }
    return null;
  }

  /** The pod as allocated before the refused resize: each running container's resources as its status reports them. */
  static ObjectNode asAllocated(ObjectNode pod) {
    ObjectNode out = pod.deepCopy();
    java.util.Map<String, JsonNode> reported = new java.util.HashMap<>();
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      if (s.has("resources")) {
        reported.put(s.path("name").asText(), s.path("resources"));
      }
    }
    for (JsonNode c : out.path("spec").path("containers")) {
      JsonNode r = reported.get(c.path("name").asText());
      if (r != null) {
        ((ObjectNode) c).set("resources", r.deepCopy());
      }
    }
    return out;
  }

  /** Adds PodResizePending (Infeasible, with its message) to a built status, keeping the condition's transition time. */
  static void pending(ObjectNode status, JsonNode oldStatus, String message, Instant now) {
    ObjectNode c = status.withArray("conditions").addObject();
    c.put("type", "PodResizePending").put("status", "True");
    String since = Meta.timestamp(now);
    for (JsonNode o : oldStatus.path("conditions")) {
      if (o.path("type").asText().equals("PodResizePending")) {
        since = o.path("lastTransitionTime").asText(since);
      }
    }
    c.put("lastTransitionTime", since).put("reason", "Infeasible").put("message", message);
  }

  private static boolean resizeAsked(ObjectNode pod) {
    java.util.Map<String, JsonNode> specs = new java.util.HashMap<>();
    pod.path("spec").path("containers").forEach(c -> specs.put(c.path("name").asText(), c.path("resources")));
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      JsonNode spec = specs.get(s.path("name").asText());
      if (spec != null && s.has("resources") && !cpuMemoryOf(s.path("resources")).equals(cpuMemoryOf(spec))) {
        return true;
      }
    }
    return false;
  }

  private static java.math.BigDecimal amount(JsonNode q) {
    if (!q.isTextual() && !q.isNumber()) {
      return java.math.BigDecimal.ZERO;
    }
    try {
      return io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(new io.fabric8.kubernetes.api.model.Quantity(q.asText()));
    } catch (RuntimeException e) {
      return java.math.BigDecimal.ZERO;
    }
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
