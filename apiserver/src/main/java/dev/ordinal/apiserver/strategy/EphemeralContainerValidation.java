package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.FieldError;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A write to {@code pods/ephemeralcontainers}, checked as upstream's
 * ValidatePodEphemeralContainersUpdate: existing ephemeral containers may be neither removed nor
 * changed; each one has a unique name among all the pod's containers, an image, none of the fields
 * an ephemeral container may not have (ports, probes, lifecycle, resources, resizePolicy,
 * restartPolicy), and a {@code targetContainerName} naming one of the pod's containers. Pure.
 */
public final class EphemeralContainerValidation {
  /** The fields upstream's allow list leaves out, in its order. */
  static final List<String> FORBIDDEN_FIELDS = List.of("ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
      "resources", "resizePolicy", "restartPolicy");

  private EphemeralContainerValidation() {}

  public static List<FieldError> validateUpdate(JsonNode spec, JsonNode oldSpec) {
    List<FieldError> errs = new ArrayList<>();
    Map<String, JsonNode> byName = new HashMap<>();
    for (JsonNode c : spec.path("ephemeralContainers")) {
      byName.putIfAbsent(c.path("name").asText(""), c);
    }
    for (JsonNode old : oldSpec.path("ephemeralContainers")) {
      String name = old.path("name").asText("");
      JsonNode now = byName.get(name);
      if (now == null) {
        errs.add(FieldError.forbidden("spec.ephemeralContainers", "existing ephemeral containers \"" + name + "\" may not be removed\n"));
      } else if (!now.equals(old)) {
        errs.add(FieldError.forbidden("spec.ephemeralContainers[" + name + "]", "existing ephemeral containers \"" + name + "\" may not be changed"));
      }
    }
    errs.addAll(validate(spec));
    return errs;
  }

  /** Each ephemeral container of {@code spec} on its own and against the pod's other containers. */
  static List<FieldError> validate(JsonNode spec) {
    List<FieldError> errs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> targets = new HashSet<>();
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : spec.path(list)) {
        names.add(c.path("name").asText(""));
        targets.add(c.path("name").asText(""));
      }
    }
    int i = 0;
    for (JsonNode c : spec.path("ephemeralContainers")) {
      String path = "spec.ephemeralContainers[" + i++ + "]";
      String name = c.path("name").asText("");
      if (name.isEmpty()) {
        errs.add(FieldError.required(path + ".name", ""));
      } else {
        List<String> bad = NameRules.dns1123Label(name);
        if (!bad.isEmpty()) {
          errs.add(FieldError.invalid(path + ".name", name, String.join(", ", bad)));
        } else if (!names.add(name)) {
          errs.add(FieldError.duplicate(path + ".name", name));
        }
      }
      if (c.path("image").asText("").isEmpty()) {
        errs.add(FieldError.required(path + ".image", ""));
      }
      for (String f : FORBIDDEN_FIELDS) {
        if (isSet(c.path(f))) {
          errs.add(FieldError.forbidden(path + "." + f, "cannot be set for an Ephemeral Container"));
        }
      }
      String target = c.path("targetContainerName").asText("");
      if (!target.isEmpty() && !targets.contains(target)) {
        errs.add(new FieldError(path + ".targetContainerName", FieldError.Type.NOT_FOUND, target, ""));
      }
    }
    return errs;
  }

  /** Set as Go's zero-value test sees it: present and neither null nor an empty object, list or string. */
  private static boolean isSet(JsonNode v) {
    return !(v.isMissingNode() || v.isNull() || (v.isContainerNode() && v.isEmpty()) || (v.isTextual() && v.asText().isEmpty()));
  }
}
