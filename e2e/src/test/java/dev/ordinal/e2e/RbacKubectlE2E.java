package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * RBAC through kubectl, as the Kubernetes documentation walks it: {@code create role|rolebinding|
 * clusterrolebinding}, {@code auth can-i [--list]} with {@code --as}, the 403s kubectl prints, the
 * aggregated admin/edit/view roles, and escalation prevention: a namespace admin may hand out
 * {@code view} but not {@code cluster-admin}.
 */
class RbacKubectlE2E extends OrdinalE2ETestBase {
  static final String SA = "system:serviceaccount:rbac-e2e:reader";

  @Test
  void rolesBindingsAndWhoMayDoWhat() throws Exception {
    kubectl.run("create", "namespace", "rbac-e2e").ok();
    kubectl.run("-n", "rbac-e2e", "create", "serviceaccount", "reader").ok();
    assertThat(kubectl.run("-n", "rbac-e2e", "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods").ok().out())
        .contains("role.rbac.authorization.k8s.io/pod-reader created");
    assertThat(kubectl.run("-n", "rbac-e2e", "create", "rolebinding", "reader-pods", "--role=pod-reader",
        "--serviceaccount=rbac-e2e:reader").ok().out()).contains("rolebinding.rbac.authorization.k8s.io/reader-pods created");
    assertThat(kubectl.run("-n", "rbac-e2e", "get", "rolebinding", "reader-pods", "-o", "wide").ok().out())
        .containsPattern("reader-pods\\s+Role/pod-reader\\s+\\S+\\s+rbac-e2e/reader");

    assertThat(kubectl.run("auth", "can-i", "list", "pods", "-n", "rbac-e2e", "--as=" + SA).ok().out().strip()).isEqualTo("yes");
    Kubectl.Result secrets = kubectl.run("auth", "can-i", "list", "secrets", "-n", "rbac-e2e", "--as=" + SA);
    assertThat(secrets.exitCode()).isEqualTo(1);
    assertThat(secrets.out().strip()).isEqualTo("no");
    assertThat(kubectl.run("auth", "can-i", "list", "pods", "-n", "default", "--as=" + SA).out().strip()).isEqualTo("no");
    assertThat(kubectl.run("auth", "can-i", "--list", "-n", "rbac-e2e", "--as=" + SA).ok().out())
        .containsPattern("pods\\s+\\[\\]\\s+\\[\\]\\s+\\[get list watch\\]")
        .containsPattern("selfsubjectaccessreviews.authorization.k8s.io\\s+\\[\\]\\s+\\[\\]\\s+\\[create\\]");

    assertThat(kubectl.run("-n", "rbac-e2e", "get", "pods", "--as=" + SA).ok().err()).contains("No resources found");
    Kubectl.Result forbidden = kubectl.run("-n", "rbac-e2e", "get", "secrets", "--as=" + SA);
    assertThat(forbidden.exitCode()).isNotZero();
    assertThat(forbidden.err()).contains("Error from server (Forbidden): secrets is forbidden: User \"" + SA
        + "\" cannot list resource \"secrets\" in API group \"\" in the namespace \"rbac-e2e\"");

    // the aggregated roles are filled in by the aggregation controller
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(kubectl.run("get", "clusterrole", "admin", "-o", "jsonpath={.rules[*].resources}").ok().out())
            .contains("rolebindings", "deployments", "pods/log"));
    assertThat(kubectl.run("get", "clusterroles").ok().out()).containsPattern("cluster-admin\\s+\\d{4}-\\d\\d-\\d\\dT");

    // a group bound to view may read but not delete
    kubectl.run("create", "clusterrolebinding", "readers-view", "--clusterrole=view", "--group=readers").ok();
    kubectl.run("-n", "rbac-e2e", "run", "web", "--image=nginx").ok();
    assertThat(kubectl.run("-n", "rbac-e2e", "get", "pod", "web", "--as=alice", "--as-group=readers").ok().out()).contains("web");
    Kubectl.Result delete = kubectl.run("-n", "rbac-e2e", "delete", "pod", "web", "--as=alice", "--as-group=readers");
    assertThat(delete.err()).contains("pods \"web\" is forbidden: User \"alice\" cannot delete resource \"pods\" in API group \"\""
        + " in the namespace \"rbac-e2e\"");

    // a namespace admin hands out view, but not cluster-admin, and has no say over the cluster
    kubectl.run("-n", "rbac-e2e", "create", "rolebinding", "bob-admin", "--clusterrole=admin", "--user=bob").ok();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        kubectl.run("-n", "rbac-e2e", "create", "rolebinding", "carol-view", "--clusterrole=view", "--user=carol", "--as=bob").exitCode() == 0);
    Kubectl.Result root = kubectl.run("-n", "rbac-e2e", "create", "rolebinding", "bob-root", "--clusterrole=cluster-admin",
        "--user=bob", "--as=bob");
    assertThat(root.exitCode()).isNotZero();
    assertThat(root.err()).contains("rolebindings.rbac.authorization.k8s.io \"bob-root\" is forbidden: user \"bob\"",
        "is attempting to grant RBAC permissions not currently held");
    Kubectl.Result cluster = kubectl.run("create", "clusterrolebinding", "bob-root", "--clusterrole=cluster-admin", "--user=bob",
        "--as=bob");
    assertThat(cluster.err()).contains("clusterrolebindings.rbac.authorization.k8s.io is forbidden: User \"bob\" cannot create"
        + " resource \"clusterrolebindings\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
    assertThat(kubectl.run("auth", "can-i", "create", "deployments", "-n", "rbac-e2e", "--as=bob").out().strip()).isEqualTo("yes");
    assertThat(kubectl.run("auth", "can-i", "get", "nodes", "--as=bob").out().strip()).isEqualTo("no");
    kubectl.run("delete", "clusterrolebinding", "readers-view").ok();
    kubectl.run("delete", "namespace", "rbac-e2e", "--wait=false").ok();
  }
}
