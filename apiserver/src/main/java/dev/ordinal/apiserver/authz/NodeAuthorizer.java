package dev.ordinal.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.auth.UserInfo;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Upstream's Node authorizer, for node agents ({@code system:node:<name>} in {@code system:nodes}):
 * a node may read the Secrets, ConfigMaps, claims and volumes of the pods bound to it, and ask for
 * tokens of their ServiceAccounts, nothing of other pods; it may write only its own Node and Lease
 * and the pods bound to it. Everything else a kubelet needs comes from fixed rules (upstream's
 * NodeRules). It answers allow or "no opinion", after which RBAC decides, as in kube-apiserver's
 * {@code --authorization-mode=Node,RBAC}. Decisions depend on the pods, so they are not cached.
 */
public final class NodeAuthorizer {
  public static final String NODES_GROUP = "system:nodes";
  public static final String PREFIX = "system:node:";

  /** upstream's NodeRules (plugin/pkg/auth/authorizer/node), the subset Ordinal serves */
  static final List<PolicyRule> NODE_RULES = List.of(
      PolicyRule.resources(List.of("create", "get", "list", "watch", "patch", "update"), List.of(""), List.of("nodes")),
      PolicyRule.resources(List.of("patch", "update"), List.of(""), List.of("nodes/status")),
      PolicyRule.resources(List.of("get", "list", "watch", "create", "delete"), List.of(""), List.of("pods")),
      PolicyRule.resources(List.of("patch", "update"), List.of(""), List.of("pods/status")),
      PolicyRule.resources(List.of("create"), List.of(""), List.of("pods/eviction")),
      PolicyRule.resources(List.of("get", "list", "watch"), List.of(""), List.of("services", "endpoints")),
      PolicyRule.resources(List.of("create", "get", "patch", "update"), List.of("", "events.k8s.io"), List.of("events")),
      PolicyRule.resources(List.of("get", "update", "patch"), List.of(""), List.of("persistentvolumeclaims/status")),
      PolicyRule.resources(List.of("get", "create", "update", "patch", "delete"), List.of("coordination.k8s.io"), List.of("leases")),
      PolicyRule.resources(List.of("create"), List.of("authentication.k8s.io"), List.of("tokenreviews")),
      PolicyRule.resources(List.of("create"), List.of("authorization.k8s.io"), List.of("subjectaccessreviews", "localsubjectaccessreviews")));

  private final Function<String, Collection<ObjectNode>> podsOnNode;
  private final BiFunction<String, String, Optional<ObjectNode>> pod;
  private final BiFunction<String, String, Optional<ObjectNode>> claim;

  /**
   * @param podsOnNode the pods bound to a node
   * @param pod a pod by namespace and name
   * @param claim a PersistentVolumeClaim by namespace and name
   */
  public NodeAuthorizer(Function<String, Collection<ObjectNode>> podsOnNode, BiFunction<String, String, Optional<ObjectNode>> pod,
      BiFunction<String, String, Optional<ObjectNode>> claim) {
    this.podsOnNode = podsOnNode;
    this.pod = pod;
    this.claim = claim;
  }

  /** The node a user is the agent of, or null for everyone else. */
  public static String nodeOf(UserInfo user) {
    if (user == null || !user.username().startsWith(PREFIX) || !user.groups().contains(NODES_GROUP)) {
      return null;
    }
    String node = user.username().substring(PREFIX.length());
    return node.isEmpty() ? null : node;
  }

  public static UserInfo userFor(String node) {
    return new UserInfo(PREFIX + node, "", List.of(NODES_GROUP, UserInfo.AUTHENTICATED), java.util.Map.of());
  }

  /**
   * NodeRestriction on creates, where the authorizer has no name to go by: a node registers itself
   * only, and takes only its own Lease.
   *
   * @throws dev.ordinal.apiserver.errors.ApiException 403 otherwise
   */
  public static void admitCreate(UserInfo user, String kind, ObjectNode obj) {
    String node = nodeOf(user);
    if (node == null) {
      return;
    }
    String name = obj.path("metadata").path("name").asText("");
    if (kind.equals("Node") && !name.equals(node)) {
      throw Forbidden.of("", "nodes", name, "node \"" + node + "\" is not allowed to modify node \"" + name + "\"");
    }
    if (kind.equals("Lease") && !name.equals(node)) {
      throw Forbidden.of("coordination.k8s.io", "leases", name, "can only access node lease with the same name as the requesting node");
    }
  }

  /** Allowed, or null for no opinion (RBAC then decides). */
  public Decision authorize(Attributes a) {
    String node = nodeOf(a.user());
    if (node == null || !a.resourceRequest()) {
      return null;
    }
    boolean allowed = switch (a.apiGroup() + "/" + a.resourceWithSubresource()) {
      case "/secrets", "/configmaps" -> a.verb().equals("get") && referenced(node, a, a.resource());
      case "/persistentvolumeclaims" -> a.verb().equals("get") && referenced(node, a, "claims");
      case "/persistentvolumes" -> a.verb().equals("get") && volumeOfOurClaims(node, a.name());
      case "/serviceaccounts/token" -> a.verb().equals("create") && referenced(node, a, "serviceaccounts");
      case "/nodes", "/nodes/status" -> a.name().isEmpty() || a.name().equals(node) || isRead(a.verb())
          ? NODE_RULES.stream().anyMatch(r -> r.allows(a)) : false;
      case "/pods", "/pods/status", "/pods/eviction" -> ownPodOrRead(node, a) && NODE_RULES.stream().anyMatch(r -> r.allows(a));
      case "coordination.k8s.io/leases" -> a.namespace().equals("kube-node-lease") && (a.name().isEmpty() || a.name().equals(node))
          && NODE_RULES.stream().anyMatch(r -> r.allows(a));
      default -> NODE_RULES.stream().anyMatch(r -> r.allows(a));
    };
    return allowed ? Decision.allow("") : null;
  }

  private static boolean isRead(String verb) {
    return verb.equals("get") || verb.equals("list") || verb.equals("watch");
  }

  /** Reads of any pod (upstream's rules), writes of pods bound to this node only (NodeRestriction). */
  private boolean ownPodOrRead(String node, Attributes a) {
    if (isRead(a.verb()) || a.name().isEmpty()) {
      return isRead(a.verb()); // creating pods is not a node's business (upstream allows mirror pods only)
    }
    return pod.apply(a.namespace(), a.name()).map(p -> node.equals(p.path("spec").path("nodeName").asText())).orElse(false);
  }

  private boolean referenced(String node, Attributes a, String what) {
    if (a.name().isEmpty()) {
      return false;
    }
    for (ObjectNode p : podsOnNode.apply(node)) {
      if (p.path("metadata").path("namespace").asText("").equals(a.namespace()) && references(p.path("spec"), what, a.name())) {
        return true;
      }
    }
    return false;
  }

  private boolean volumeOfOurClaims(String node, String volume) {
    for (ObjectNode p : podsOnNode.apply(node)) {
      String ns = p.path("metadata").path("namespace").asText("");
      for (JsonNode v : p.path("spec").path("volumes")) {
        String claimName = v.path("persistentVolumeClaim").path("claimName").asText("");
        if (!claimName.isEmpty() && claim.apply(ns, claimName)
            .map(c -> volume.equals(c.path("spec").path("volumeName").asText())).orElse(false)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a pod spec names the Secret, ConfigMap, claim or ServiceAccount {@code name}, as upstream's graph records them. */
  static boolean references(JsonNode spec, String what, String name) {
    switch (what) {
      case "serviceaccounts" -> {
        String account = spec.path("serviceAccountName").asText("");
        return name.equals(account.isEmpty() ? "default" : account);
      }
      case "claims" -> {
        for (JsonNode v : spec.path("volumes")) {
          if (name.equals(v.path("persistentVolumeClaim").path("claimName").asText())) {
            return true;
          }
        }
        return false;
      }
      default -> {
        boolean secret = what.equals("secrets");
        if (secret) {
          for (JsonNode s : spec.path("imagePullSecrets")) {
            if (name.equals(s.path("name").asText())) {
              return true;
            }
          }
        }
        for (JsonNode v : spec.path("volumes")) {
          if (secret ? name.equals(v.path("secret").path("secretName").asText()) : name.equals(v.path("configMap").path("name").asText())) {
            return true;
          }
          for (JsonNode source : v.path("projected").path("sources")) {
            if (name.equals(source.path(secret ? "secret" : "configMap").path("name").asText())) {
              return true;
            }
          }
        }
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
          for (JsonNode c : spec.path(list)) {
            for (JsonNode e : c.path("env")) {
              if (name.equals(e.path("valueFrom").path(secret ? "secretKeyRef" : "configMapKeyRef").path("name").asText())) {
                return true;
              }
            }
            for (JsonNode e : c.path("envFrom")) {
              if (name.equals(e.path(secret ? "secretRef" : "configMapRef").path("name").asText())) {
                return true;
              }
            }
          }
        }
        return false;
      }
    }
  }
}
