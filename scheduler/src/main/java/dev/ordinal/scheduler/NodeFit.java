package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

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

  static String schedulable(ObjectNode node) {
    return node.path("spec").path("unschedulable").asBoolean(false) ? "node(s) were unschedulable" : null;
  }

  static String selector(ObjectNode pod, ObjectNode node) {
    Map<String, String> labels = Meta.labels(node);
    JsonNode sel = pod.path("spec").path("nodeSelector");
    for (var it = sel.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.get(e.getKey()))) {
        return "node(s) didn't match Pod's node affinity/selector";
      }
    }
    JsonNode terms = pod.path("spec").path("affinity").path("nodeAffinity")
        .path("requiredDuringSchedulingIgnoredDuringExecution").path("nodeSelectorTerms");
    if (terms.isArray() && !terms.isEmpty() && !NodeSelectorTerms.matches(terms, node)) {
      return "node(s) didn't match Pod's node affinity/selector";
    }
    return null;
  }

  static String taints(ObjectNode pod, ObjectNode node) {
    for (JsonNode taint : node.path("spec").path("taints")) {
      String effect = taint.path("effect").asText();
      if (!effect.equals("NoSchedule") && !effect.equals("NoExecute")) {
        continue;
      }
      if (!tolerated(pod.path("spec").path("tolerations"), taint)) {
        return "node(s) had untolerated taint {" + taint.path("key").asText() + ": " + taint.path("value").asText() + "}";
      }
    }
    return null;
  }

  private static boolean tolerated(JsonNode tolerations, JsonNode taint) {
    for (JsonNode t : tolerations) {
      String op = t.path("operator").asText("Equal");
      String key = t.path("key").asText("");
      String effect = t.path("effect").asText("");
      if (!effect.isEmpty() && !effect.equals(taint.path("effect").asText())) {
        continue;
      }
      if (key.isEmpty() && op.equals("Exists")) {
        return true;
      }
      if (!key.equals(taint.path("key").asText())) {
        continue;
      }
      if (op.equals("Exists") || t.path("value").asText("").equals(taint.path("value").asText(""))) {
        return true;
      }
    }
    return false;
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

  /** The pod's effective request: the sum over app containers, or the largest init container if more. */
  static BigDecimal request(ObjectNode pod, String resource) {
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode c : pod.path("spec").path("containers")) {
      sum = sum.add(containerRequest(c, resource));
    }
    for (JsonNode c : pod.path("spec").path("initContainers")) {
      BigDecimal r = containerRequest(c, resource);
      if (r.compareTo(sum) > 0) {
        sum = r;
      }
    }
    return sum;
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
