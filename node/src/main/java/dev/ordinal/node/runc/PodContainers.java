package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The runc containers of a pod's slots: each run's container (id and directory by slot and
 * restart count), and those an earlier agent left running, found again after a restart.
 */
final class PodContainers {
  private final RuncContainer.Tools tools;

  PodContainers(RuncContainer.Tools tools) {
    this.tools = tools;
  }

  /** A run left by an earlier agent (same pod, same container, the latest attempt), if its container still exists. */
  RuncContainer adopt(RuncPod p, ContainerSlot slot) {
    if (slot.restarts > 0 || slot.last != null) {
      return null;
    }
    Path dir = p.dir.resolve("containers").resolve(slot.name);
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (var runs = Files.list(dir)) {
      int latest = runs.map(r -> r.getFileName().toString()).filter(n -> n.matches("\\d+")).mapToInt(Integer::parseInt).max().orElse(-1);
      if (latest < 0) {
        return null;
      }
      slot.restarts = latest;
      RuncContainer c = container(p, slot);
      if (c.exitCode().isPresent() || (c.exists() && c.startedAt() != null)) {
        return c;
      }
      // a crash between creating and starting it: remove what there is, and start afresh
      RuncRuntime.deleteQuietly(c);
      return null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The container of the slot's current run (it may not exist yet). */
  RuncContainer container(RuncPod p, ContainerSlot slot) {
    String id = "ord-" + p.uid + "-" + slot.name + "-" + slot.restarts;
    return new RuncContainer(tools, id, p.dir.resolve("containers").resolve(slot.name).resolve(String.valueOf(slot.restarts)),
        p.dir.resolve("exits"));
  }

  /**
   * Finds the containers of a pod this agent has not synced yet (it was deleted while the agent was
   * down, or just before it stopped), so that stopping it signals them and waits for them.
   */
  void adoptAll(ObjectNode pod, RuncPod p) {
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (JsonNode c : pod.path("spec").path(list)) {
        Map<String, ContainerSlot> slots = list.equals("initContainers") ? p.init : list.equals("containers") ? p.app : p.ephemeral;
        ContainerSlot slot = slots.computeIfAbsent(c.path("name").asText(), ContainerSlot::new);
        if (slot.current == null) {
          slot.current = adopt(p, slot);
        }
      }
    }
    if (p.ip.isEmpty()) {
      try {
        Path ipFile = p.dir.resolve("ip");
        p.ip = Files.exists(ipFile) ? Files.readString(ipFile).strip() : "";
      } catch (IOException e) {
        // hooks without the pod's address
      }
    }
  }
}
