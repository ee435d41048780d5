package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.List;

/** Pods: start Pending, get the pod-spec defaults, and keep their spec once created. */
final class PodStrategy implements ResourceStrategy {

  @Override
  public void prepareForCreate(ObjectNode pod) {
    pod.remove("status");
    ObjectNode status = pod.putObject("status");
    status.put("phase", "Pending");
    status.put("qosClass", qosClass(pod.path("spec")));
  }

  @Override
  public void applyDefaults(ObjectNode pod) {
    PodSpecDefaults.apply(Defaults.object(pod, "spec"));
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode pod) {
    Errors errs = new Errors();
    PodSpecValidation.validate(pod.path("spec"), "spec", errs);
    return errs.list();
  }

  /**
   * Only images, activeDeadlineSeconds, tolerations and a first nodeName (binding) may change, as
   * Kubernetes allows.
   */
  @Override
  public List<FieldError> validateUpdate(ObjectNode pod, ObjectNode old) {
    List<FieldError> errs = new java.util.ArrayList<>(validateCreate(pod));
    ObjectNode a = mutableFieldsCleared(pod.path("spec"), old.path("spec"));
    ObjectNode b = mutableFieldsCleared(old.path("spec"), old.path("spec"));
    if (!a.equals(b)) {
      errs.add(FieldError.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`,"
          + "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
          + "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"));
    }
    return errs;
  }

  @Override
  public List<FieldError> validateEphemeralContainersUpdate(ObjectNode pod, ObjectNode old) {
    return EphemeralContainerValidation.validateUpdate(pod.path("spec"), old.path("spec"));
  }

  private static ObjectNode mutableFieldsCleared(JsonNode spec, JsonNode oldSpec) {
    ObjectNode s = spec.isObject() ? ((ObjectNode) spec).deepCopy() : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    s.remove("activeDeadlineSeconds");
    s.remove("tolerations");
    if (oldSpec.path("nodeName").asText("").isEmpty()) {
      s.remove("nodeName");
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      for (ObjectNode c : Defaults.elements(s, list)) {
        c.remove("image");
        c.remove("imagePullPolicy");
      }
    }
    return s;
  }

  /** Guaranteed when every container limits cpu and memory equal to its requests, BestEffort when none asks. */
  static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (String list : new String[] {"initContainers", "containers"}) {
      for (JsonNode c : spec.path(list)) {
        JsonNode req = c.path("resources").path("requests");
        JsonNode lim = c.path("resources").path("limits");
        if (req.size() > 0 || lim.size() > 0) {
          any = true;
        }
        for (String r : new String[] {"cpu", "memory"}) {
          JsonNode l = lim.path(r);
          JsonNode q = req.has(r) ? req.path(r) : l;
          if (l.isMissingNode() || !l.asText().equals(q.asText())) {
            guaranteed = false;
          }
        }
      }
    }
    return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
  }
}
