package dev.ordinal.controllers.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The node lifecycle controller's decisions, pure. A node whose Lease has not been renewed for the
 * grace period (upstream's {@code --node-monitor-grace-period}, 40 s) is unreachable: its
 * conditions become Unknown and it gets upstream's {@code node.kubernetes.io/unreachable} taints
 * (NoSchedule and NoExecute). A node whose agent fences itself (it says so with the
 * {@link #FENCING_ANNOTATION}: it stops its own pods after that many seconds without renewing)
 * and whose Lease is older than both the grace period and its fencing timeout has stopped its pods
 * by then, so they are deleted at once (grace period 0) and their controllers make them again
 * elsewhere; Kubernetes leaves them Terminating until a person acts. A node whose Lease is fresh
 * again and that reports Ready loses the taints.
 *
 * <p>Times are measured from the later of the Lease's renewTime and when this controller started
 * watching, so a control plane that was down does not take every node for lost at its start.
 */
public final class NodeLifecyclePlanner {
  public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  /** Seconds the node's agent waits without renewing its Lease before it stops its pods. */
  public static final String FENCING_ANNOTATION = "node.ordinal.dev/fencing-timeout-seconds";
  public static final Duration GRACE = Duration.ofSeconds(40);

  private NodeLifecyclePlanner() {}

  /** What to do with one node. */
  public record NodeAction(String node, boolean markUnknown, boolean addTaints, boolean removeTaints, List<String> podsToDelete) {
    boolean nothing() {
      return !markUnknown && !addTaints && !removeTaints && podsToDelete.isEmpty();
    }
  }

  /**
   * @param renewTimes node name → its Lease's renewTime (absent: no Lease)
   * @param podsByNode node name → the keys (namespace/name) of the pods bound to it
   * @param watchingSince when this controller began to observe
   */
  public static List<NodeAction> plan(Collection<? extends JsonNode> nodes, Map<String, Instant> renewTimes,
      Map<String, List<String>> podsByNode, Instant watchingSince, Instant now, Duration grace) {
    List<NodeAction> actions = new ArrayList<>();
    for (JsonNode n : nodes) {
      String name = n.path("metadata").path("name").asText();
      Instant renewed = renewTimes.get(name);
      Instant created = parse(n.path("metadata").path("creationTimestamp").asText(""));
      Instant last = latest(latest(renewed, created), watchingSince);
      Duration silent = Duration.between(last, now);
      boolean tainted = hasUnreachableTaint(n);
      if (silent.compareTo(grace) > 0) {
        boolean unknown = readyStatus(n).equals("Unknown");
        List<String> delete = List.of();
        Duration fencing = fencingTimeout(n);
        if (fencing != null && silent.compareTo(fencing) > 0) {
          delete = podsByNode.getOrDefault(name, List.of());
        }
        NodeAction a = new NodeAction(name, !unknown, !tainted, false, delete);
        if (!a.nothing()) {
          actions.add(a);
        }
      } else if (tainted && readyStatus(n).equals("True") && renewed != null && !renewed.isBefore(now.minus(grace))) {
        actions.add(new NodeAction(name, false, false, true, List.of()));
      }
    }
    return actions;
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private static Instant parse(String t) {
    try {
      return t.isEmpty() ? null : Instant.parse(t);
    } catch (RuntimeException e) {
      return null;
    }
  }

  static Duration fencingTimeout(JsonNode node) {
    String v = node.path("metadata").path("annotations").path(FENCING_ANNOTATION).asText("");
    try {
      return v.isEmpty() ? null : Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String readyStatus(JsonNode node) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText("Unknown");
      }
    }
    return "Unknown";
  }

  static boolean hasUnreachableTaint(JsonNode node) {
    for (JsonNode t : node.path("spec").path("taints")) {
      if (t.path("key").asText().equals(UNREACHABLE)) {
        return true;
      }
    }
    return false;
  }
}
