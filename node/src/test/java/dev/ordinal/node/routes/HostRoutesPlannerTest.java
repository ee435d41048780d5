package dev.ordinal.node.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostRoutesPlannerTest {
  private static ObjectNode node(String name, String cidr, String ip) {
    ObjectNode n = Json.object();
    n.putObject("metadata").put("name", name);
    if (cidr != null) {
      n.putObject("spec").put("podCIDR", cidr);
    }
    if (ip != null) {
      n.putObject("status").putArray("addresses").addObject().put("type", "InternalIP").put("address", ip);
    }
    return n;
  }

  @Test
  void routesEveryOtherNodesRangeThroughItsAddress() {
    var plan = HostRoutesPlanner.plan("a", List.of(node("a", "10.42.0.0/24", "10.99.0.2"), node("b", "10.42.1.0/24", "10.99.0.3"),
        node("c", "10.42.2.0/24", "10.99.0.4")), Map.of());
    assertEquals(List.of(new HostRoutesPlanner.Route("10.42.1.0/24", "10.99.0.3"), new HostRoutesPlanner.Route("10.42.2.0/24", "10.99.0.4")),
        plan.replace());
    assertEquals(List.of(), plan.remove());
  }

  @Test
  void leavesOutNodesWithoutRangeAddressOrOnLoopback() {
    var plan = HostRoutesPlanner.plan("a", List.of(node("b", null, "10.99.0.3"), node("c", "10.42.2.0/24", null),
        node("d", "10.88.0.0/16", "127.0.0.1")), Map.of());
    assertEquals(List.of(), plan.replace());
  }

  @Test
  void changesMovedRoutesAndRemovesThoseOfGoneNodes() {
    var plan = HostRoutesPlanner.plan("a", List.of(node("b", "10.42.1.0/24", "10.99.0.9")),
        Map.of("10.42.1.0/24", "10.99.0.3", "10.42.2.0/24", "10.99.0.4"));
    assertEquals(List.of(new HostRoutesPlanner.Route("10.42.1.0/24", "10.99.0.9")), plan.replace());
    assertEquals(List.of("10.42.2.0/24"), plan.remove());
  }

  @Test
  void nothingToDoWhenInstalledMatches() {
    var plan = HostRoutesPlanner.plan("a", List.of(node("b", "10.42.1.0/24", "10.99.0.3")), Map.of("10.42.1.0/24", "10.99.0.3"));
    assertEquals(true, plan.empty());
  }
}
