package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * kube-scheduler's resource scores over cpu and memory, weighted alike: NodeResourcesFit's
 * LeastAllocated (the share left free after the pod, counting non-zero defaults for requests
 * nobody made) and NodeResourcesBalancedAllocation (cpu and memory used in equal shares score
 * higher; skipped for a pod that requests nothing). Pure.
 */
final class ResourceScores {
  private static final List<String> RESOURCES = List.of("cpu", "memory");

  private ResourceScores() {}

  static Map<String, Long> leastAllocated(ObjectNode pod, List<ObjectNode> feasible, Function<String, NodeUsage> usage) {
    Map<String, Long> out = new HashMap<>();
    for (ObjectNode node : feasible) {
      long sum = 0;
      for (String r : RESOURCES) {
        long allocatable = units(r, NodeFit.amount(node.path("status").path("allocatable").path(r).asText("0")));
        long requested = units(r, usage.apply(Meta.name(node)).nonZero(r).add(NodeFit.nonZeroRequest(pod, r)));
        sum += allocatable == 0 || requested > allocatable ? 0 : (allocatable - requested) * Scores.MAX / allocatable;
      }
      out.put(Meta.name(node), sum / RESOURCES.size());
    }
    return out;
  }

  static Map<String, Long> balanced(ObjectNode pod, List<ObjectNode> feasible, Function<String, NodeUsage> usage) {
    Map<String, Long> out = new HashMap<>();
    boolean requestsNothing = RESOURCES.stream().allMatch(r -> NodeFit.request(pod, r).signum() == 0);
    for (ObjectNode node : feasible) {
      if (requestsNothing) {
        out.put(Meta.name(node), 0L);
        continue;
      }
      double[] fractions = new double[RESOURCES.size()];
      int n = 0;
      for (String r : RESOURCES) {
        long allocatable = units(r, NodeFit.amount(node.path("status").path("allocatable").path(r).asText("0")));
        if (allocatable == 0) {
          continue;
        }
        long requested = units(r, usage.apply(Meta.name(node)).of(r).add(NodeFit.request(pod, r)));
        fractions[n++] = Math.min(1.0, (double) requested / allocatable);
      }
      double std = n == 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0;
      out.put(Meta.name(node), (long) ((1 - std) * Scores.MAX));
    }
    return out;
  }

  /** Millicores for cpu, bytes for memory, as kube-scheduler counts them. */
  private static long units(String resource, BigDecimal amount) {
    BigDecimal scaled = resource.equals("cpu") ? amount.multiply(BigDecimal.valueOf(1000)) : amount;
    return scaled.setScale(0, RoundingMode.UP).longValue();
  }
}
