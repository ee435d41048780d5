package dev.ordinal.controllers.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeIpamPlannerTest {
  private static ObjectNode node(String name, String created, String cidr) {
    ObjectNode n = Json.object();
    n.putObject("metadata").put("name", name).put("creationTimestamp", created);
    if (cidr != null) {
      n.putObject("spec").put("podCIDR", cidr);
    }
    return n;
  }

  @Test
  void lowestFreeRangeOldestNodeFirst() {
    var plan = NodeIpamPlanner.plan("10.42.0.0/16", 24, List.of(node("b", "2026-01-02T00:00:00Z", null),
        node("a", "2026-01-01T00:00:00Z", null), node("c", "2026-01-01T00:00:00Z", "10.42.0.0/24")));
    assertEquals(Map.of("a", "10.42.1.0/24", "b", "10.42.2.0/24"), plan.assign());
    assertEquals(List.of("a", "b"), List.copyOf(plan.assign().keySet()));
  }

  @Test
  void rangesOutsideTheClusterRangeDoNotCount() {
    var plan = NodeIpamPlanner.plan("10.42.0.0/16", 24, List.of(node("local", "2026-01-01T00:00:00Z", "10.88.0.0/16"),
        node("a", "2026-01-01T00:00:01Z", null)));
    assertEquals(Map.of("a", "10.42.0.0/24"), plan.assign());
  }

  @Test
  void exhaustedRangeLeavesNodesWithout() {
    var plan = NodeIpamPlanner.plan("10.42.0.0/23", 24, List.of(node("a", "1", null), node("b", "2", null), node("c", "3", null)));
    assertEquals(Map.of("a", "10.42.0.0/24", "b", "10.42.1.0/24"), plan.assign());
    assertEquals(List.of("c"), plan.exhausted());
  }
}
