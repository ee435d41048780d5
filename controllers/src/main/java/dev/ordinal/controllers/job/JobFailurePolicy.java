package dev.ordinal.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;

/**
 * spec.podFailurePolicy applied to one failed pod, as upstream's matchPodFailurePolicy: the first
 * rule that matches decides; onExitCodes looks at terminated containers with a non-zero exit code
 * (optionally one container by name), onPodConditions at the pod's conditions (status True by
 * default). Pure.
 */
final class JobFailurePolicy {
  private JobFailurePolicy() {}

  /** The action and, for FailJob, upstream's message; action null when no rule matches (counted). */
  record Match(String action, String message) {}

  static Match match(JsonNode policy, ObjectNode pod) {
    int i = 0;
    for (JsonNode rule : policy.path("rules")) {
      String action = rule.path("action").asText();
      JsonNode codes = rule.path("onExitCodes");
      if (codes.isObject()) {
        JsonNode c = matchingContainer(codes, pod);
        if (c != null) {
          return new Match(action, "Container " + c.path("name").asText() + " for pod " + Meta.namespace(pod) + "/" + Meta.name(pod)
              + " failed with exit code " + c.path("state").path("terminated").path("exitCode").asInt()
              + " matching " + action + " rule at index " + i);
        }
      }
      for (JsonNode pattern : rule.path("onPodConditions")) {
        String type = pattern.path("type").asText();
        String status = pattern.path("status").asText("True");
        for (JsonNode cond : pod.path("status").path("conditions")) {
          if (cond.path("type").asText().equals(type) && cond.path("status").asText().equals(status)) {
            return new Match(action, "Pod " + Meta.namespace(pod) + "/" + Meta.name(pod) + " has condition " + type
                + " matching " + action + " rule at index " + i);
          }
        }
      }
      i++;
    }
    return new Match(null, null);
  }

  private static JsonNode matchingContainer(JsonNode req, ObjectNode pod) {
    String name = req.path("containerName").asText("");
    boolean in = req.path("operator").asText().equals("In");
    for (String list : new String[] {"initContainerStatuses", "containerStatuses"}) {
      for (JsonNode cs : pod.path("status").path(list)) {
        JsonNode t = cs.path("state").path("terminated");
        if (!t.isObject() || (!name.isEmpty() && !name.equals(cs.path("name").asText()))) {
          continue;
        }
        int code = t.path("exitCode").asInt();
        if (code == 0) {
          continue;
        }
        boolean listed = false;
        for (JsonNode v : req.path("values")) {
          listed |= v.asInt() == code;
        }
        if (listed == in) {
          return cs;
        }
      }
    }
    return null;
  }
}
