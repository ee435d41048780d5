package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * A pod's {@code hostNetwork}, {@code hostPID} and {@code hostIPC} (what {@code kubectl debug
 * node/NAME} asks for): the container shares the host's namespace instead of its own (with
 * {@code hostNetwork} also the host's UTS namespace, hence its hostname, as kubelet does). They
 * see and reach everything on the machine, so they are privileged: refused unless Ordinal runs
 * with {@code --allow-privileged}. Pure.
 */
final class HostNamespaces {
  private HostNamespaces() {}

  /** Whether the pod asks for any of the host's namespaces. */
  static boolean asked(JsonNode podSpec) {
    return podSpec.path("hostNetwork").asBoolean(false) || podSpec.path("hostPID").asBoolean(false)
        || podSpec.path("hostIPC").asBoolean(false);
  }

  /** Removes from {@code oci} the namespaces the pod shares with the host. */
  static void apply(ObjectNode oci, JsonNode podSpec) {
    boolean net = podSpec.path("hostNetwork").asBoolean(false);
    boolean pid = podSpec.path("hostPID").asBoolean(false);
    boolean ipc = podSpec.path("hostIPC").asBoolean(false);
    ArrayNode namespaces = (ArrayNode) oci.path("linux").path("namespaces");
    for (Iterator<JsonNode> it = namespaces.elements(); it.hasNext(); ) {
      String type = it.next().path("type").asText();
      if ((net && (type.equals("network") || type.equals("uts"))) || (pid && type.equals("pid")) || (ipc && type.equals("ipc"))) {
        it.remove();
      }
    }
    if (net) {
      oci.remove("hostname"); // the host's UTS namespace: runc may not set a hostname there
    }
  }
}
