package dev.ordinal.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The pod status a kubelet reports, computed purely from the spec, what the runtime observed and
 * which containers pass readiness: phase, the four conditions (keeping their transition times
 * while their status holds), container statuses, IPs.
 */
final class PodStatusBuilder {
  private PodStatusBuilder() {}

  static ObjectNode build(ObjectNode pod, PodObservation obs, Map<String, Boolean> ready, String hostIp, Instant now) {
    JsonNode old = pod.path("status");
    ObjectNode status = Json.object();
    String restartPolicy = pod.path("spec").path("restartPolicy").asText("Always");
    status.put("phase", phase(obs, restartPolicy, pod.path("spec").path("containers").size()));
    boolean allReady = obs.initialized() && !obs.containers().isEmpty()
        && obs.containers().stream().allMatch(c -> c.state() == ContainerState.State.RUNNING && ready.getOrDefault(c.name(), false));
    ArrayNode conditions = status.putArray("conditions");
    condition(conditions, old, "PodReadyToStartContainers", !obs.podIp().isEmpty(), now);
    condition(conditions, old, "Initialized", obs.initialized(), now);
    condition(conditions, old, "Ready", allReady, now);
    condition(conditions, old, "ContainersReady", allReady, now);
    condition(conditions, old, "PodScheduled", true, now);
    PodResizeStatus.conditions(pod, obs, old, now).forEach(conditions::add);
    status.put("hostIP", hostIp);
    status.putArray("hostIPs").addObject().put("ip", hostIp);
    if (!obs.podIp().isEmpty()) {
      status.put("podIP", obs.podIp());
      status.putArray("podIPs").addObject().put("ip", obs.podIp());
    }
    status.put("startTime", old.path("startTime").asText(Meta.timestamp(now)));
    status.put("qosClass", old.path("qosClass").asText("BestEffort"));
    // kubelet's default for a container the runtime has not reported yet: ContainerCreating, or
    // PodInitializing in a pod with init containers (for those too)
    String notYet = pod.path("spec").path("initContainers").size() > 0 ? "PodInitializing" : "ContainerCreating";
    if (pod.path("spec").path("initContainers").size() > 0) {
      status.set("initContainerStatuses", statuses(pod, "initContainers", obs.initContainers(), Map.of(), notYet));
    }
    status.set("containerStatuses", statuses(pod, "containers", obs.containers(), ready, notYet));
    if (pod.path("spec").path("ephemeralContainers").size() > 0) {
      // kubelet reports an ephemeral container once the runtime has it (kubectl debug waits for it to run)
      status.set("ephemeralContainerStatuses", statuses(pod, "ephemeralContainers", obs.ephemeralContainers(), Map.of(), "ContainerCreating"));
    }
    return status;
  }

  private static String phase(PodObservation obs, String restartPolicy, int specContainers) {
    boolean initFailedForGood = restartPolicy.equals("Never")
        && obs.initContainers().stream().anyMatch(c -> c.state() == ContainerState.State.TERMINATED && c.exitCode() != 0);
    if (initFailedForGood) {
      return "Failed";
    }
    if (!obs.initialized() || obs.containers().size() < specContainers) {
      return "Pending";
    }
    boolean anyWaitingFirstStart = obs.containers().stream()
        .anyMatch(c -> c.state() == ContainerState.State.WAITING && c.startedAt() == null && c.lastTermination() == null);
    if (anyWaitingFirstStart) {
      return "Pending";
    }
    boolean allTerminated = obs.containers().stream().allMatch(c -> c.state() == ContainerState.State.TERMINATED);
    if (allTerminated) {
      return obs.containers().stream().allMatch(c -> c.exitCode() == 0) ? "Succeeded" : "Failed";
    }
    return "Running";
  }

  private static void condition(ArrayNode conditions, JsonNode oldStatus, String type, boolean value, Instant now) {
    String status = value ? "True" : "False";
    String since = Meta.timestamp(now);
    for (JsonNode c : oldStatus.path("conditions")) {
      if (c.path("type").asText().equals(type) && c.path("status").asText().equals(status)) {
        since = c.path("lastTransitionTime").asText(since);
      }
    }
    ObjectNode c = conditions.addObject();
    c.put("type", type).put("status", status);
    c.put("lastTransitionTime", since);
    if (!value && (type.equals("Ready") || type.equals("ContainersReady"))) {
      c.put("reason", "ContainersNotReady");
    }
  }

  private static ArrayNode statuses(ObjectNode pod, String list, List<ContainerState> observed, Map<String, Boolean> ready,
      String notYet) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode spec : pod.path("spec").path(list)) {
      String name = spec.path("name").asText();
      ContainerState s = observed.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
      ObjectNode cs = out.addObject();
      // the image the container runs: after an in-place update the old one until it is restarted
      cs.put("name", name).put("image", s != null && !s.image().isEmpty() ? s.image() : spec.path("image").asText()).put("imageID", "");
      boolean isReady = s != null && s.state() == ContainerState.State.RUNNING && ready.getOrDefault(name, list.equals("initContainers"));
      cs.put("ready", list.equals("initContainers") ? s != null && s.state() == ContainerState.State.TERMINATED && s.exitCode() == 0 : isReady);
      cs.put("restartCount", s == null ? 0 : s.restartCount());
      cs.put("started", s != null && s.state() == ContainerState.State.RUNNING);
      ObjectNode state = cs.putObject("state");
      if (s == null) {
        state.putObject("waiting").put("reason", notYet);
        cs.putObject("lastState");
        continue;
      }
      cs.put("containerID", s.containerId());
      cs.put("imageID", s.imageId());
      if (list.equals("containers") || PodResizeStatus.isSidecar(spec)) {
        // what was allocated to it (the spec's: this node takes every resize it is asked), and
        // what its running cgroup has, as kubelet 1.33 reports them
        PodResizeStatus.report(cs, spec, s);
      }
      switch (s.state()) {
        case RUNNING -> state.putObject("running").put("startedAt", Meta.timestamp(s.startedAt()));
        case WAITING -> {
          ObjectNode waiting = state.putObject("waiting").put("reason", s.reason());
          if (!s.message().isEmpty()) {
            waiting.put("message", s.message());
          }
        }
        case TERMINATED -> terminated(state.putObject("terminated"), s.exitCode(), s.reason(), s.startedAt(), s.finishedAt(), s.containerId());
      }
      if (s.lastTermination() != null) {
        ContainerState.Termination t = s.lastTermination();
        terminated(cs.putObject("lastState").putObject("terminated"), t.exitCode(), t.reason(), t.startedAt(), t.finishedAt(), s.containerId());
      } else {
        cs.putObject("lastState");
      }
    }
    return out;
  }

  private static void terminated(ObjectNode t, int exitCode, String reason, Instant started, Instant finished, String id) {
    t.put("exitCode", exitCode).put("reason", reason);
    if (started != null) {
      t.put("startedAt", Meta.timestamp(started));
    }
    if (finished != null) {
      t.put("finishedAt", Meta.timestamp(finished));
    }
    t.put("containerID", id);
  }
}
