package dev.ordinal.node.routes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Pod traffic between hosts, host-gw style (flannel's host-gw backend): a route to every other
 * node's pod range through that node's InternalIP, so pod addresses are never translated. Pure:
 * the nodes and the routes this agent added → what to add, change and remove. Nodes without a pod
 * range or an address, on a loopback address (a one-machine node), or whose range holds this
 * node's own are left out.
 */
public final class HostRoutesPlanner {
  private HostRoutesPlanner() {}

  /** One route: {@code cidr} via {@code gateway}. */
  public record Route(String cidr, String gateway) {}

  /** What to change: routes to add or replace, ranges whose route goes. */
  public record Plan(List<Route> replace, List<String> remove) {
    public boolean empty() {
      return replace.isEmpty() && remove.isEmpty();
    }
  }

  /** The routes every other node needs, by pod range. */
  public static Map<String, String> wanted(String self, Collection<? extends JsonNode> nodes) {
    Map<String, String> want = new TreeMap<>();
    for (JsonNode n : nodes) {
      String name = n.path("metadata").path("name").asText();
      String cidr = n.path("spec").path("podCIDR").asText("");
      String ip = internalIp(n);
      if (name.equals(self) || cidr.isEmpty() || ip == null || ip.startsWith("127.")) {
        continue;
      }
      want.put(cidr, ip);
    }
    return want;
  }

  public static Plan plan(String self, Collection<? extends JsonNode> nodes, Map<String, String> installed) {
    Map<String, String> want = wanted(self, nodes);
    List<Route> replace = new ArrayList<>();
    want.forEach((cidr, via) -> {
      if (!via.equals(installed.get(cidr))) {
        replace.add(new Route(cidr, via));
      }
    });
    List<String> remove = new ArrayList<>();
    for (String cidr : installed.keySet()) {
      if (!want.containsKey(cidr)) {
        remove.add(cidr);
      }
    }
    return new Plan(replace, remove);
  }

  /** The node's InternalIP, or null. */
  public static String internalIp(JsonNode node) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals("InternalIP")) {
        return a.path("address").asText();
      }
    }
    return null;
  }
}
