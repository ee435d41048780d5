package dev.ordinal.controllers.nodelifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Node IPAM (kube-controller-manager's range allocator, {@code --allocate-node-cidrs}): each node
 * without a pod range gets the lowest free /24 (or {@code nodeMask}) of the cluster range, oldest
 * node first. Pure: the nodes → which node gets which range; nodes that can get none (the range is
 * used up) are listed apart.
 */
public final class NodeIpamPlanner {
  private NodeIpamPlanner() {}

  /** @param assign node name → its new pod range; @param exhausted nodes left without one */
  public record Plan(Map<String, String> assign, List<String> exhausted) {}

  public static Plan plan(String clusterCidr, int nodeMask, List<? extends JsonNode> nodes) {
    long base = address(clusterCidr.substring(0, clusterCidr.indexOf('/')));
    int clusterMask = Integer.parseInt(clusterCidr.substring(clusterCidr.indexOf('/') + 1));
    if (nodeMask < clusterMask || nodeMask > 30) {
      throw new IllegalArgumentException("a node's mask /" + nodeMask + " does not fit the cluster range " + clusterCidr);
    }
    long count = 1L << (nodeMask - clusterMask);
    long size = 1L << (32 - nodeMask);
    Set<Long> used = new HashSet<>();
    List<JsonNode> waiting = new ArrayList<>();
    for (JsonNode n : nodes) {
      String cidr = n.path("spec").path("podCIDR").asText("");
      if (cidr.isEmpty()) {
        waiting.add(n);
      } else if (cidr.contains("/")) {
        long a = address(cidr.substring(0, cidr.indexOf('/')));
        if (a >= base && a < base + count * size) {
          used.add((a - base) / size);
        }
      }
    }
    waiting.sort(Comparator.comparing((JsonNode n) -> n.path("metadata").path("creationTimestamp").asText())
        .thenComparing(n -> n.path("metadata").path("name").asText()));
    Map<String, String> assign = new LinkedHashMap<>();
    List<String> exhausted = new ArrayList<>();
    long next = 0;
    for (JsonNode n : waiting) {
      while (next < count && used.contains(next)) {
        next++;
      }
      String name = n.path("metadata").path("name").asText();
      if (next >= count) {
        exhausted.add(name);
        continue;
      }
      used.add(next);
      assign.put(name, text(base + next * size) + "/" + nodeMask);
    }
    return new Plan(assign, exhausted);
  }

  static long address(String dotted) {
    String[] p = dotted.split("\\.");
    if (p.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + dotted);
    }
    long a = 0;
    for (String part : p) {
      a = (a << 8) | Integer.parseInt(part);
    }
    return a;
  }

  static String text(long a) {
    return ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
  }
}
