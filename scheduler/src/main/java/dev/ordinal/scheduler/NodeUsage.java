package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Collection;

/**
 * What the pods on a node request in all: how many, their cpu and memory, and the same with
 * kube-scheduler's non-zero defaults for containers that request nothing (what scoring counts, so
 * that pods without requests still spread).
 */
record NodeUsage(int pods, BigDecimal cpu, BigDecimal memory, BigDecimal nonZeroCpu, BigDecimal nonZeroMemory) {
  static final NodeUsage NONE = new NodeUsage(0, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO);

  /** One pod's share, as the resources filter counts it. */
  static NodeUsage of(ObjectNode pod) {
    return new NodeUsage(1, NodeFit.request(pod, "cpu"), NodeFit.request(pod, "memory"),
        NodeFit.nonZeroRequest(pod, "cpu"), NodeFit.nonZeroRequest(pod, "memory"));
  }

  /** Whether the pod takes room on its node: bound, and not finished. */
  static boolean occupiesNode(ObjectNode pod) {
    String phase = pod.path("status").path("phase").asText("");
    return !pod.path("spec").path("nodeName").asText("").isEmpty() && !phase.equals("Succeeded") && !phase.equals("Failed");
  }

  /** The usage of a node by the given pods (for tests and one-off answers; the scheduler keeps a ledger). */
  static NodeUsage onNode(String node, Collection<ObjectNode> pods) {
    NodeUsage total = NONE;
    for (ObjectNode p : pods) {
      if (occupiesNode(p) && p.path("spec").path("nodeName").asText().equals(node)) {
        total = total.plus(of(p));
      }
    }
    return total;
  }

  NodeUsage plus(NodeUsage o) {
    return new NodeUsage(pods + o.pods, cpu.add(o.cpu), memory.add(o.memory), nonZeroCpu.add(o.nonZeroCpu),
        nonZeroMemory.add(o.nonZeroMemory));
  }

  NodeUsage minus(NodeUsage o) {
    return new NodeUsage(pods - o.pods, cpu.subtract(o.cpu), memory.subtract(o.memory), nonZeroCpu.subtract(o.nonZeroCpu),
        nonZeroMemory.subtract(o.nonZeroMemory));
  }

  BigDecimal of(String resource) {
    return resource.equals("cpu") ? cpu : memory;
  }

  BigDecimal nonZero(String resource) {
    return resource.equals("cpu") ? nonZeroCpu : nonZeroMemory;
  }
}
