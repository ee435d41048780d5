package dev.ordinal.controllers.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLifecyclePlannerTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private static final Duration GRACE = Duration.ofSeconds(40);

  private static ObjectNode node(String name, String ready, Integer fencing, boolean tainted) {
    ObjectNode n = Json.object();
    ObjectNode meta = n.putObject("metadata").put("name", name).put("creationTimestamp", "2026-12-02T09:00:00Z");
    if (fencing != null) {
      meta.putObject("annotations").put(NodeLifecyclePlanner.FENCING_ANNOTATION, fencing.toString());
    }
    if (tainted) {
      n.putObject("spec").putArray("taints").addObject().put("key", NodeLifecyclePlanner.UNREACHABLE).put("effect", "NoExecute");
    }
    n.putObject("status").putArray("conditions").addObject().put("type", "Ready").put("status", ready);
    return n;
  }

  private static List<NodeLifecyclePlanner.NodeAction> plan(ObjectNode node, Instant renewed, Instant now) {
    return NodeLifecyclePlanner.plan(List.of(node), renewed == null ? Map.of() : Map.of("a", renewed), Map.of("a", List.of("ns/web-0")),
        T0.minusSeconds(3600), now, GRACE);
  }

  @Test
  void table() {
    record Case(String what, ObjectNode node, Instant renewed, Instant now, List<NodeLifecyclePlanner.NodeAction> want) {}
    var none = List.<NodeLifecyclePlanner.NodeAction>of();
    List<Case> cases = List.of(
        new Case("fresh lease: nothing", node("a", "True", 20, false), T0, T0.plusSeconds(10), none),
        new Case("at the grace period exactly: nothing yet", node("a", "True", 20, false), T0, T0.plusSeconds(40), none),
        new Case("past the grace: unknown, tainted, fenced pods deleted", node("a", "True", 20, false), T0, T0.plusSeconds(41),
            List.of(new NodeLifecyclePlanner.NodeAction("a", true, true, false, List.of("ns/web-0")))),
        new Case("no fencing (one machine's node): never deleted", node("a", "True", null, false), T0, T0.plusSeconds(300),
            List.of(new NodeLifecyclePlanner.NodeAction("a", true, true, false, List.of()))),
        new Case("fencing longer than the grace: deleted only after it", node("a", "Unknown", 60, true), T0, T0.plusSeconds(50), none),
        new Case("fencing longer than the grace, passed", node("a", "Unknown", 60, true), T0, T0.plusSeconds(61),
            List.of(new NodeLifecyclePlanner.NodeAction("a", false, false, false, List.of("ns/web-0")))),
        new Case("back and ready: taints go", node("a", "True", 20, true), T0, T0.plusSeconds(5),
            List.of(new NodeLifecyclePlanner.NodeAction("a", false, false, true, List.of()))),
        new Case("lease fresh but not reporting ready yet: taints stay", node("a", "Unknown", 20, true), T0, T0.plusSeconds(5), none));
    for (Case c : cases) {
      assertEquals(c.want(), plan(c.node(), c.renewed(), c.now()), c.what());
    }
  }

  @Test
  void aControlPlaneJustStartedTakesNoNodeForLost() {
    var actions = NodeLifecyclePlanner.plan(List.of(node("a", "True", 20, false)), Map.of("a", T0), Map.of(), T0.plusSeconds(600),
        T0.plusSeconds(610), GRACE);
    assertEquals(List.of(), actions);
  }
}
