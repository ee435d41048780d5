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
   * What upstream's ValidatePodUpdate lets change: containers' and init containers' images, a
   * first nodeName (binding), activeDeadlineSeconds (set, or lowered; never unset), tolerations
   * (added, or an existing one's tolerationSeconds), schedulingGates (removed), and a negative
   * terminationGracePeriodSeconds to 1. Not imagePullPolicy, not resources (that is pods/resize).
   */
  @Override
  public List<FieldError> validateUpdate(ObjectNode pod, ObjectNode old) {
    List<FieldError> errs = new java.util.ArrayList<>(validateCreate(pod));
    JsonNode spec = pod.path("spec");
    JsonNode oldSpec = old.path("spec");
    JsonNode deadline = spec.path("activeDeadlineSeconds");
    JsonNode oldDeadline = oldSpec.path("activeDeadlineSeconds");
    if (deadline.isNumber() && oldDeadline.isNumber() && oldDeadline.asLong() < deadline.asLong()) {
      errs.add(FieldError.invalid("spec.activeDeadlineSeconds", deadline.asLong(), "must be less than or equal to previous value"));
      return errs;
    }
    if (deadline.isMissingNode() || deadline.isNull()) {
      if (oldDeadline.isNumber()) {
        errs.add(FieldError.invalid("spec.activeDeadlineSeconds", null, "must not update from a positive integer to nil value"));
      }
    }
    if (!onlyAddedTolerations(spec.path("tolerations"), oldSpec.path("tolerations"))) {
      errs.add(FieldError.forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"));
      return errs;
    }
    java.util.Set<String> oldGates = new java.util.HashSet<>();
    oldSpec.path("schedulingGates").forEach(g -> oldGates.add(g.path("name").asText()));
    for (JsonNode g : spec.path("schedulingGates")) {
      if (!oldGates.contains(g.path("name").asText())) {
        errs.add(FieldError.forbidden("spec.schedulingGates", "only deletion is allowed, but found new scheduling gate '"
            + g.path("name").asText() + "'"));
      }
    }
    ObjectNode a = mutableFieldsCleared(spec, oldSpec);
    ObjectNode b = mutableFieldsCleared(oldSpec, oldSpec);
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

  @Override
  public List<FieldError> validateResize(ObjectNode pod, ObjectNode old) {
    List<FieldError> errs = new java.util.ArrayList<>(validateCreate(pod));
    errs.addAll(PodResizeValidation.validate(pod, old));
    return errs;
  }

  /** Every old toleration is still there, its tolerationSeconds aside (upstream's validateOnlyAddedTolerations). */
  private static boolean onlyAddedTolerations(JsonNode tolerations, JsonNode old) {
    for (JsonNode o : old) {
      boolean found = false;
      for (JsonNode t : tolerations) {
        ObjectNode a = ((ObjectNode) o).deepCopy();
        ObjectNode b = ((ObjectNode) t).deepCopy();
        a.remove("tolerationSeconds");
        b.remove("tolerationSeconds");
        found |= a.equals(b);
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  /** The spec with what may change taken out (set to the old value where only some changes are allowed). */
  private static ObjectNode mutableFieldsCleared(JsonNode spec, JsonNode oldSpec) {
    ObjectNode s = spec.isObject() ? ((ObjectNode) spec).deepCopy() : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
    s.remove("activeDeadlineSeconds");
    s.remove("tolerations");
    s.remove("schedulingGates"); // checked by validateUpdate: they may only go
    if (oldSpec.path("nodeName").asText("").isEmpty()) {
      s.remove("nodeName");
    }
    if (oldSpec.path("terminationGracePeriodSeconds").asLong(0) < 0 && s.path("terminationGracePeriodSeconds").asLong(0) == 1) {
      s.set("terminationGracePeriodSeconds", oldSpec.path("terminationGracePeriodSeconds"));
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      for (ObjectNode c : Defaults.elements(s, list)) {
        c.remove("image");
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
