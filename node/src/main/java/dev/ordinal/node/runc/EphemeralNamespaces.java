package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.OptionalLong;

/**
 * An ephemeral container's namespaces (kubectl debug): besides the pod's network namespace, which
 * every container has, it joins the IPC and UTS namespaces of the pod's first running container
 * (upstream's are the sandbox's, shared by the whole pod) and, with {@code targetContainerName},
 * the target's PID namespace, so {@code ps} shows the target's processes. It keeps a mount
 * namespace of its own (its image's root). Pure apart from the process ids it is given.
 */
final class EphemeralNamespaces {
  private EphemeralNamespaces() {}

  /**
   * Rewrites {@code oci}'s namespaces in place.
   *
   * @param targetPid the target container's process, empty without a target (or when it is not running: then a PID namespace of its own)
   * @param podPid a running container's process of the pod, for IPC and UTS; empty: namespaces of its own
   */
  static void join(ObjectNode oci, JsonNode spec, OptionalLong targetPid, OptionalLong podPid) {
    ArrayNode namespaces = (ArrayNode) oci.path("linux").path("namespaces");
    for (JsonNode n : namespaces) {
      ObjectNode ns = (ObjectNode) n;
      switch (ns.path("type").asText()) {
        case "pid" -> targetPid.ifPresent(pid -> ns.put("path", "/proc/" + pid + "/ns/pid"));
        case "ipc" -> podPid.ifPresent(pid -> ns.put("path", "/proc/" + pid + "/ns/ipc"));
        case "uts" -> podPid.ifPresent(pid -> ns.put("path", "/proc/" + pid + "/ns/uts"));
        default -> { }
      }
    }
    if (podPid.isPresent()) {
      oci.remove("hostname"); // runc sets no hostname in a UTS namespace it joins: the pod's is already there
    }
  }

  /** The process of the container an ephemeral container targets ({@code targetContainerName}), if it runs. */
  static java.util.OptionalLong targetPid(RuncPod p, JsonNode spec) {
    String target = spec.path("targetContainerName").asText("");
    ContainerSlot slot = target.isEmpty() ? null : p.app.containsKey(target) ? p.app.get(target) : p.init.get(target);
    return slot == null || slot.current == null ? java.util.OptionalLong.empty() : slot.current.pid();
  }

  /** The process of the pod's first running app container, whose IPC and UTS namespaces ephemeral containers join. */
  static java.util.OptionalLong firstPid(RuncPod p) {
    for (ContainerSlot s : p.app.values()) {
      if (s.current != null && s.current.exitCode().isEmpty()) {
        java.util.OptionalLong pid = s.current.pid();
        if (pid.isPresent()) {
          return pid;
        }
      }
    }
    return java.util.OptionalLong.empty();
  }
}
