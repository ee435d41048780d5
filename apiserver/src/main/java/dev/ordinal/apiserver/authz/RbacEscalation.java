package dev.ordinal.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.auth.UserInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Escalation prevention, as upstream's policy-based RBAC storage: nobody grants what he does not
 * hold. Writing a Role or ClusterRole needs every one of its rules held (in that namespace), or the
 * {@code escalate} verb on it; an aggregationRule needs full authority, since it can gather
 * anything. Writing a binding needs the rules of the role it refers to held, or the {@code bind}
 * verb on that role. Members of {@code system:masters} and the server's own components are exempt.
 */
public final class RbacEscalation {
  static final String GROUP = "rbac.authorization.k8s.io";
  private static final List<PolicyRule> FULL_AUTHORITY = List.of(
      PolicyRule.resources(List.of("*"), List.of("*"), List.of("*")), PolicyRule.urls(List.of("*"), List.of("*")));

  private final RbacAuthorizer authorizer;

  public RbacEscalation(RbacAuthorizer authorizer) {
    this.authorizer = authorizer;
  }

  /** Checks a create ({@code old} null) or update of an rbac.authorization.k8s.io object. */
  public void admit(String kind, ObjectNode obj, ObjectNode old) {
    UserInfo user = RequestUser.current();
    if (user == null || user.groups().contains(RbacAuthorizer.MASTERS)) {
      return;
    }
    String namespace = obj.path("metadata").path("namespace").asText("");
    String name = obj.path("metadata").path("name").asText("");
    switch (kind) {
      case "Role", "ClusterRole" -> {
        boolean aggregates = obj.path("aggregationRule").path("clusterRoleSelectors").size() > 0;
        if (old != null && old.path("rules").equals(obj.path("rules")) && old.path("aggregationRule").equals(obj.path("aggregationRule"))) {
          return;
        }
        String plural = kind.equals("Role") ? "roles" : "clusterroles";
        if (authorizer.authorize(Attributes.resource(user, "escalate", GROUP, plural, "", namespace, name)).allowed()) {
          return;
        }
        confirmNoEscalation(user, namespace, PolicyRule.listFromJson(obj.path("rules")), plural, name);
        if (aggregates && !uncoveredBy(user, "", FULL_AUTHORITY, new LinkedHashSet<>()).isEmpty()) {
          throw Forbidden.of(GROUP, plural, name, "must have cluster-admin privileges to use the aggregationRule");
        }
      }
      case "RoleBinding", "ClusterRoleBinding" -> {
        if (old != null && old.path("subjects").equals(obj.path("subjects")) && old.path("roleRef").equals(obj.path("roleRef"))) {
          return;
        }
        String plural = kind.equals("RoleBinding") ? "rolebindings" : "clusterrolebindings";
        JsonNode ref = obj.path("roleRef");
        String roleKind = ref.path("kind").asText("");
        String roleName = ref.path("name").asText("");
        String rolePlural = roleKind.equals("Role") ? "roles" : "clusterroles";
        if (authorizer.authorize(Attributes.resource(user, "bind", GROUP, rolePlural, "", namespace, roleName)).allowed()) {
          return;
        }
        List<PolicyRule> rules = authorizer.snapshot().role(roleKind, namespace, roleName);
        if (rules == null) {
          throw Forbidden.of(GROUP, plural, name, (roleKind.equals("Role") ? "role" : "clusterrole") + "." + GROUP + " \"" + roleName + "\" not found");
        }
        confirmNoEscalation(user, namespace, rules, plural, name);
      }
      default -> { }
    }
  }

  private void confirmNoEscalation(UserInfo user, String namespace, List<PolicyRule> requested, String plural, String name) {
    Set<String> errors = new LinkedHashSet<>();
    List<PolicyRule> missing = uncoveredBy(user, namespace, requested, errors);
    if (missing.isEmpty()) {
      return;
    }
    TreeSet<String> descriptions = new TreeSet<>();
    compact(missing).forEach(r -> descriptions.add(r.compact()));
    String msg = "user \"" + user.username() + "\" (groups=" + PolicyRule.quoted(user.groups())
        + ") is attempting to grant RBAC permissions not currently held:\n" + String.join("\n", descriptions);
    if (!errors.isEmpty()) {
      msg = msg + "; resolution errors: [" + String.join(", ", errors) + "]";
    }
    throw Forbidden.of(GROUP, plural, name, msg);
  }

  private List<PolicyRule> uncoveredBy(UserInfo user, String namespace, List<PolicyRule> requested, Set<String> errors) {
    return RuleCoverage.uncovered(authorizer.rulesFor(user, namespace, errors), requested);
  }

  /** Pieces that differ only in their verb become one rule, as upstream's CompactRules does. */
  static List<PolicyRule> compact(List<PolicyRule> pieces) {
    Map<List<List<String>>, List<String>> verbs = new LinkedHashMap<>();
    for (PolicyRule p : pieces) {
      List<List<String>> key = List.of(p.apiGroups(), p.resources(), p.resourceNames(), p.nonResourceURLs());
      List<String> v = verbs.computeIfAbsent(key, k -> new ArrayList<>());
      p.verbs().stream().filter(x -> !v.contains(x)).forEach(v::add);
    }
    List<PolicyRule> out = new ArrayList<>();
    verbs.forEach((k, v) -> out.add(new PolicyRule(v, k.get(0), k.get(1), k.get(2), k.get(3))));
    return out;
  }

  /** Whether writes of this API group are judged here (rbac.authorization.k8s.io's). */
  public static boolean applies(String group) {
    return GROUP.equals(group);
  }
}
