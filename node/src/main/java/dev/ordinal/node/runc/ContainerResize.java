package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * In-place resize of a running container, pure: which of cpu and memory a spec change touches,
 * whether its {@code resizePolicy} asks for a restart, and the OCI {@code linux.resources} the
 * cgroup gets (the same for a new run, in {@link OciSpec}, and for {@code runc update}).
 */
final class ContainerResize {
  /** The CFS period every container gets; a cpu limit is a quota of it. */
  static final long CPU_PERIOD = 100_000;

  private ContainerResize() {}

  /** The resources ("cpu", "memory") whose request or limit differs between the two requirements. */
  static Set<String> changed(JsonNode applied, JsonNode wanted) {
    Set<String> out = new LinkedHashSet<>();
    for (String r : List.of("cpu", "memory")) {
      for (String list : List.of("requests", "limits")) {
        if (!sameAmount(applied.path(list).path(r), wanted.path(list).path(r))) {
          out.add(r);
        }
      }
    }
    return out;
  }

  /** Whether a change of {@code changed} restarts the container: its resizePolicy says RestartContainer for one of them. */
  static boolean needsRestart(JsonNode container, Set<String> changed) {
    for (JsonNode p : container.path("resizePolicy")) {
      if (changed.contains(p.path("resourceName").asText()) && p.path("restartPolicy").asText().equals("RestartContainer")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The cgroup limits of {@code resources} as OCI {@code linux.resources}: memory (swap the same,
   * so none), and a cpu quota of the 100 ms period (at least 1 ms, as kubelet's minimum).
   */
  static ObjectNode linuxResources(JsonNode resources) {
    ObjectNode out = Json.object();
    JsonNode limits = resources.path("limits");
    if (limits.has("memory")) {
      long bytes = Quantity.getAmountInBytes(new Quantity(limits.path("memory").asText())).longValue();
      out.putObject("memory").put("limit", bytes).put("swap", bytes);
    }
    if (limits.has("cpu")) {
      double cpus = Quantity.getAmountInBytes(new Quantity(limits.path("cpu").asText())).doubleValue();
      out.putObject("cpu").put("period", CPU_PERIOD).put("quota", Math.max(1_000, Math.round(cpus * CPU_PERIOD)));
    }
    return out;
  }

  private static boolean sameAmount(JsonNode a, JsonNode b) {
    if (a.isMissingNode() || b.isMissingNode()) {
      return a.isMissingNode() == b.isMissingNode();
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(a.asText())).compareTo(Quantity.getAmountInBytes(new Quantity(b.asText()))) == 0;
    } catch (RuntimeException e) {
      return Objects.equals(a.asText(), b.asText());
    }
  }
}
