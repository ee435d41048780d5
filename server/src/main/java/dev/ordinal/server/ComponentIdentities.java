package dev.ordinal.server;

import dev.ordinal.apiserver.auth.UserInfo;
import java.util.List;
import java.util.Map;

/**
 * Who Ordinal's own components are when they call the API, as on a kubeadm cluster: each
 * controller a kube-system ServiceAccount (kube-controller-manager with
 * {@code --use-service-account-credentials}), the scheduler {@code system:kube-scheduler}, the
 * service proxy {@code system:kube-proxy}, the DNS CoreDNS's ServiceAccount, and the node agent
 * {@code system:node:<name>} (NodeAuthorizer). Their roles are in bootstrap-policy.yaml.
 */
final class ComponentIdentities {
  static final UserInfo SCHEDULER = user("system:kube-scheduler");
  static final UserInfo PROXY = user("system:kube-proxy");
  static final UserInfo DNS = controller("coredns");

  private ComponentIdentities() {}

  static UserInfo controller(String name) {
    return new UserInfo(UserInfo.serviceAccountUser("kube-system", name), "",
        List.of("system:serviceaccounts", "system:serviceaccounts:kube-system", UserInfo.AUTHENTICATED), Map.of());
  }

  private static UserInfo user(String name) {
    return new UserInfo(name, "", List.of(UserInfo.AUTHENTICATED), Map.of());
  }
}
