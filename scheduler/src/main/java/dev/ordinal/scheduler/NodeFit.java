package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;

/**
 * Whether a pod fits a node, as kube-scheduler's filter plugins decide; each check returns the
 * reason it does not fit (Kubernetes' wording), or null. Pure functions over JSON.
 */
final class NodeFit {
  private NodeFit() {}

  static String ready(ObjectNode node) {
    for (JsonNode c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready")) {
        return c.path("status").asText().equals("True") ? null : "node(s) were not ready";
      }
    }
    return "node(s) were not ready";
  }

  /** NodeUnschedulable: a cordoned node takes only pods that tolerate its unschedulable taint (daemon pods do). */
  static String schedulable(ObjectNode pod, ObjectNode node) {
    if (!node.path("spec").path("unschedulable").asBoolean(false)) {
      return null;
    }
    ObjectNode taint = dev.ordinal.api.Json.object().put("key", "node.kubernetes.io/unschedulable").put("effect", "NoSchedule");
    return dev.ordinal.scheduler.taints.Tolerations.tolerated(pod.path("spec").path("tolerations"), taint) ? null : "node(s) were unschedulable";
  }

  /** Requests of the pod against what the node has left after the pods already on it. */
  static String resources(ObjectNode pod, ObjectNode node, NodeUsage used) {
    JsonNode allocatable = node.path("status").path("allocatable");
    if (used.pods() + 1 > allocatable.path("pods").asInt(110)) {
      return "Too many pods";
    }
    for (String r : List.of("cpu", "memory")) {
      if (!allocatable.has(r)) {
        continue;
      }
      BigDecimal free = amount(allocatable.path(r).asText()).subtract(used.of(r));
      if (request(pod, r).compareTo(free) > 0) {
        return "Insufficient " + r;
      }
    }
    return null;
  }

  /**
   * The pod's effective request: the sum over app containers, or the largest init container if
   * more. An app container resized in place counts as upstream 1.33's (component-helpers'
   * UseStatusResources): the larger of its spec's and its reported request while the resize is
   * under way, its reported request alone once the node found the resize Infeasible.
   */
  static BigDecimal request(ObjectNode pod, String resource) {
    BigDecimal sum = BigDecimal.ZERO;
    java.util.Map<String, JsonNode> reported = new java.util.HashMap<>();
    for (JsonNode s : pod.path("status").path("containerStatuses")) {
      if (s.has("resources")) {
        reported.put(s.path("name").asText(), s);
      }
    }
    boolean infeasible = false;
    for (JsonNode c : pod.path("status").path("conditions")) {
      infeasible |= c.path("type").asText().equals("PodResizePending") && c.path("reason").asText().equals("Infeasible");
    }
    for (JsonNode c : pod.path("spec").path("containers")) {
      BigDecimal r = containerRequest(c, resource);
      JsonNode s = reported.get(c.path("name").asText());
      if (s != null) {
        BigDecimal actual = containerRequest(s, resource);
        r = infeasible ? actual : r.max(actual);
      }
      sum = sum.add(r);
    }
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      BigDecimal r = containerRequest(c, resource);
      if (r.compareTo(sum) > 0) {
        sum = r;
      }
    }
    return sum;
  }

  /**
   * The request scoring counts: as {@link #request}, with 100m cpu and 200Mi memory for a container
   * that requests none (kube-scheduler's non-zero defaults).
   */
  static BigDecimal nonZeroRequest(ObjectNode pod, String resource) {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode c : pod.path("spec").path("containers")) {
      sum = sum.add(nonZero(c, resource));
    }
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      BigDecimal r = nonZero(c, resource);
      if (r.compareTo(sum) > 0) {
        sum = r;
      }
    }
    return sum;
  }

  private static final BigDecimal DEFAULT_CPU = new BigDecimal("0.1");
  private static final BigDecimal DEFAULT_MEMORY = BigDecimal.valueOf(200L * 1024 * 1024);

  private static BigDecimal nonZero(JsonNode c, String resource) {
    JsonNode resources = c.path("resources");
    if (resources.path("requests").has(resource) || resources.path("limits").has(resource)) {
      return containerRequest(c, resource);
    }
    return resource.equals("cpu") ? DEFAULT_CPU : DEFAULT_MEMORY;
  }

  private static BigDecimal containerRequest(JsonNode c, String resource) {
    JsonNode req = c.path("resources").path("requests").path(resource);
    if (req.isMissingNode()) {
      req = c.path("resources").path("limits").path(resource);
    }
    return req.isMissingNode() ? BigDecimal.ZERO : amount(req.asText());
  }

  static BigDecimal amount(String quantity) {
    try {
      return Quantity.getAmountInBytes(new Quantity(quantity));
    } catch (RuntimeException e) {
      return BigDecimal.ZERO;
    }
  }
}
