package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.List;

/**
 * rbac.authorization.k8s.io/v1, as upstream's rbac validation: a rule has verbs and either
 * resources (with API groups) or non-resource URLs, the latter only in ClusterRoles; an
 * aggregationRule has selectors; a binding's roleRef names a Role or ClusterRole of this API group
 * and never changes; subjects are Users, Groups or ServiceAccounts (with a namespace in a
 * ClusterRoleBinding). Subjects' apiGroup is defaulted as upstream's SetDefaults_Subject does.
 */
final class RbacStrategies {
  static final String GROUP = "rbac.authorization.k8s.io";

  private RbacStrategies() {}

  static final ResourceStrategy ROLE = new RoleStrategy(true);
  static final ResourceStrategy CLUSTER_ROLE = new RoleStrategy(false);
  static final ResourceStrategy ROLE_BINDING = new BindingStrategy(true);
  static final ResourceStrategy CLUSTER_ROLE_BINDING = new BindingStrategy(false);

  private record RoleStrategy(boolean namespaced) implements ResourceStrategy {
    @Override
    public List<FieldError> validateCreate(ObjectNode role) {
      Errors errs = new Errors();
      JsonNode rules = role.path("rules");
      for (int i = 0; i < rules.size(); i++) {
        rule(rules.get(i), namespaced, "rules[" + i + "]", errs);
      }
      if (!namespaced && role.has("aggregationRule") && !role.get("aggregationRule").isNull()) {
        JsonNode selectors = role.path("aggregationRule").path("clusterRoleSelectors");
        if (selectors.isEmpty()) {
          errs.required("aggregationRule.clusterRoleSelectors", "at least one clusterRoleSelector required if aggregationRule is non-nil");
        }
        for (int i = 0; i < selectors.size(); i++) {
          LabelSelectorValidation.validate(selectors.get(i), "aggregationRule.clusterRoleSelectors[" + i + "]", errs);
        }
      }
      return errs.list();
    }
  }

  static void rule(JsonNode rule, boolean namespaced, String path, Errors errs) {
    if (rule.path("verbs").isEmpty()) {
      errs.required(path + ".verbs", "verbs must contain at least one value");
    }
    JsonNode urls = rule.path("nonResourceURLs");
    if (!urls.isEmpty()) {
      if (namespaced) {
        errs.invalid(path + ".nonResourceURLs", strings(urls), "namespaced rules cannot apply to non-resource URLs");
      }
      if (!rule.path("apiGroups").isEmpty() || !rule.path("resources").isEmpty()) {
        errs.invalid(path + ".nonResourceURLs", strings(urls), "rules cannot apply to both regular resources and non-resource URLs");
      }
      return;
    }
    if (rule.path("apiGroups").isEmpty()) {
      errs.required(path + ".apiGroups", "resource rules must supply at least one api group");
    }
    if (rule.path("resources").isEmpty()) {
      errs.required(path + ".resources", "resource rules must supply at least one resource");
    }
  }

  private record BindingStrategy(boolean namespaced) implements ResourceStrategy {
    @Override
    public void applyDefaults(ObjectNode binding) {
      for (JsonNode s : binding.path("subjects")) {
        if (s instanceof ObjectNode o && !o.has("apiGroup")) {
          String kind = o.path("kind").asText("");
          o.put("apiGroup", kind.equals("User") || kind.equals("Group") ? GROUP : "");
        }
      }
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode binding) {
      Errors errs = new Errors();
      JsonNode ref = binding.path("roleRef");
      if (!ref.path("apiGroup").asText("").equals(GROUP)) {
        errs.notSupported("roleRef.apiGroup", ref.path("apiGroup").asText(""), List.of(GROUP));
      }
      List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
      if (!kinds.contains(ref.path("kind").asText(""))) {
        errs.notSupported("roleRef.kind", ref.path("kind").asText(""), kinds);
      }
      if (ref.path("name").asText("").isEmpty()) {
        errs.required("roleRef.name", "");
      }
      JsonNode subjects = binding.path("subjects");
      for (int i = 0; i < subjects.size(); i++) {
        subject(subjects.get(i), namespaced, "subjects[" + i + "]", errs);
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode binding, ObjectNode old) {
      List<FieldError> errs = new java.util.ArrayList<>(validateCreate(binding));
      if (!binding.path("roleRef").equals(old.path("roleRef"))) {
        errs.add(FieldError.invalid("roleRef", binding.path("roleRef").toString(), "cannot change roleRef"));
      }
      return errs;
    }
  }

  static void subject(JsonNode s, boolean namespaced, String path, Errors errs) {
    String name = s.path("name").asText("");
    if (name.isEmpty()) {
      errs.required(path + ".name", "");
    }
    String group = s.path("apiGroup").asText("");
    switch (s.path("kind").asText("")) {
      case "ServiceAccount" -> {
        if (!group.isEmpty()) {
          errs.notSupported(path + ".apiGroup", group, List.of(""));
        }
        if (!namespaced && s.path("namespace").asText("").isEmpty()) {
          errs.required(path + ".namespace", "");
        }
      }
      case "User", "Group" -> {
        if (!group.equals(GROUP)) {
          errs.notSupported(path + ".apiGroup", group, List.of(GROUP));
        }
      }
      default -> errs.notSupported(path + ".kind", s.path("kind").asText(""), List.of("ServiceAccount", "User", "Group"));
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
