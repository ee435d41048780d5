package dev.ordinal.apiserver.auth;

import java.util.List;
import java.util.Map;

/**
 * Who made a request, as Kubernetes' authenticators describe a user: what RBAC matches subjects
 * against, what {@code SelfSubjectReview} and the audit log report.
 *
 * @param uid "" when the authenticator knows none
 * @param extra e.g. {@code authentication.kubernetes.io/pod-name} for a pod's token
 */
public record UserInfo(String username, String uid, List<String> groups, Map<String, List<String>> extra) {
  public static final String AUTHENTICATED = "system:authenticated";

  public UserInfo {
    groups = List.copyOf(groups);
    extra = Map.copyOf(extra);
  }

  /** The holder of the admin token in the data directory: a member of system:masters, as kubeadm's admin. */
  public static final UserInfo ADMIN = new UserInfo("admin", "", List.of("system:masters", AUTHENTICATED), Map.of());

  /** A request without a credential, on the paths open to anyone. */
  public static final UserInfo ANONYMOUS = new UserInfo("system:anonymous", "", List.of("system:unauthenticated"), Map.of());

  /** The user name of a ServiceAccount: {@code system:serviceaccount:NS:NAME}. */
  public static String serviceAccountUser(String namespace, String name) {
    return "system:serviceaccount:" + namespace + ":" + name;
  }
}
