package dev.ordinal.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The RBAC objects at one moment, indexed for the request path: bindings by the subject they name
 * (user, group, or ServiceAccount), roles by namespace and name, their rules parsed once. Immutable;
 * the {@link RbacAuthorizer} builds a new one when an RBAC object changes.
 */
public final class RbacSnapshot {
  /** A binding as the authorizer needs it: where it came from (for reasons) and the rules it grants. */
  record Grant(String bindingKind, String bindingName, String bindingNamespace, String roleKind, String roleName, String subject) {}

  private final Map<String, List<PolicyRule>> clusterRoles = new HashMap<>();
  private final Map<String, List<PolicyRule>> roles = new HashMap<>();
  // subject key → grants; cluster-wide ones under "", namespaced ones under their namespace
  private final Map<String, Map<String, List<Grant>>> grants = new HashMap<>();

  public RbacSnapshot(List<ObjectNode> roleObjects, List<ObjectNode> clusterRoleObjects, List<ObjectNode> roleBindings,
      List<ObjectNode> clusterRoleBindings) {
    for (ObjectNode r : clusterRoleObjects) {
      clusterRoles.put(name(r), PolicyRule.listFromJson(r.path("rules")));
    }
    for (ObjectNode r : roleObjects) {
      roles.put(namespace(r) + "/" + name(r), PolicyRule.listFromJson(r.path("rules")));
    }
    for (ObjectNode b : clusterRoleBindings) {
      index(b, "ClusterRoleBinding", "");
    }
    for (ObjectNode b : roleBindings) {
      index(b, "RoleBinding", namespace(b));
    }
  }

  public static RbacSnapshot empty() {
    return new RbacSnapshot(List.of(), List.of(), List.of(), List.of());
  }

  private void index(ObjectNode binding, String kind, String namespace) {
    JsonNode ref = binding.path("roleRef");
    for (JsonNode s : binding.path("subjects")) {
      String key = subjectKey(s, namespace);
      if (key == null) {
        continue;
      }
      String subject = describe(s, namespace);
      grants.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(namespace, k -> new ArrayList<>())
          .add(new Grant(kind, name(binding), namespace, ref.path("kind").asText(), ref.path("name").asText(), subject));
    }
  }

  /** The index key of a subject; a ServiceAccount without a namespace is in the binding's. */
  static String subjectKey(JsonNode subject, String bindingNamespace) {
    String name = subject.path("name").asText("");
    return switch (subject.path("kind").asText("")) {
      case "User" -> "U:" + name;
      case "Group" -> "G:" + name;
      case "ServiceAccount" -> "U:" + UserInfo.serviceAccountUser(
          subject.path("namespace").asText("").isEmpty() ? bindingNamespace : subject.path("namespace").asText(), name);
      default -> null;
    };
  }

  private static List<String> userKeys(UserInfo user) {
    List<String> keys = new ArrayList<>(1 + user.groups().size());
    keys.add("U:" + user.username());
    for (String g : user.groups()) {
      keys.add("G:" + g);
    }
    return keys;
  }

  /** Whether some binding of the user's allows the request, checking cluster-wide bindings first. */
  public Decision decide(Attributes a) {
    Set<String> errors = new LinkedHashSet<>();
    for (String scope : a.namespace().isEmpty() ? List.of("") : List.of("", a.namespace())) {
      for (String key : userKeys(a.user())) {
        Map<String, List<Grant>> byScope = grants.get(key);
        if (byScope == null) {
          continue;
        }
        for (Grant g : byScope.getOrDefault(scope, List.of())) {
          List<PolicyRule> rules = rulesOf(g, errors);
          for (PolicyRule r : rules) {
            if (r.allows(a)) {
              return Decision.allow(reason(g));
            }
          }
        }
      }
    }
    return Decision.deny(String.join(", ", errors));
  }

  /** Every rule the user holds in {@code namespace} ("" for cluster-wide only), for rules reviews and escalation checks. */
  public List<PolicyRule> rulesFor(UserInfo user, String namespace, Set<String> errors) {
    List<PolicyRule> out = new ArrayList<>();
    for (String scope : namespace.isEmpty() ? List.of("") : List.of("", namespace)) {
      for (String key : userKeys(user)) {
        Map<String, List<Grant>> byScope = grants.get(key);
        if (byScope != null) {
          for (Grant g : byScope.getOrDefault(scope, List.of())) {
            out.addAll(rulesOf(g, errors));
          }
        }
      }
    }
    return out;
  }

  /** The rules of a role: a ClusterRole by name, or a Role of the binding's namespace; null when it does not exist. */
  public List<PolicyRule> role(String kind, String namespace, String name) {
    return kind.equals("ClusterRole") ? clusterRoles.get(name) : roles.get(namespace + "/" + name);
  }

  private List<PolicyRule> rulesOf(Grant g, Set<String> errors) {
    List<PolicyRule> rules = role(g.roleKind(), g.bindingNamespace(), g.roleName());
    if (rules == null) {
      errors.add(g.roleKind().equals("ClusterRole")
          ? "clusterrole.rbac.authorization.k8s.io \"" + g.roleName() + "\" not found"
          : "role.rbac.authorization.k8s.io \"" + g.roleName() + "\" not found");
      return List.of();
    }
    return rules;
  }

  /** upstream's describeSubject: a ServiceAccount as "name/namespace" (its binding's namespace when it names none). */
  static String describe(JsonNode subject, String bindingNamespace) {
    String kind = subject.path("kind").asText();
    String name = subject.path("name").asText();
    if (kind.equals("ServiceAccount")) {
      String ns = subject.path("namespace").asText("");
      name = name + "/" + (ns.isEmpty() ? bindingNamespace : ns);
    }
    return kind + " \"" + name + "\"";
  }

  private static String reason(Grant g) {
    String where = g.bindingKind().equals("RoleBinding")
        ? "RoleBinding \"" + g.bindingName() + "/" + g.bindingNamespace() + "\""
        : "ClusterRoleBinding \"" + g.bindingName() + "\"";
    return "RBAC: allowed by " + where + " of " + g.roleKind() + " \"" + g.roleName() + "\" to " + g.subject();
  }

  private static String name(ObjectNode o) {
    return o.path("metadata").path("name").asText("");
  }

  private static String namespace(ObjectNode o) {
    return o.path("metadata").path("namespace").asText("");
  }
}
