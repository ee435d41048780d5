package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ServiceAccounts on real pods: a pod reaches {@code https://kubernetes.default.svc} with its
 * mounted token and CA (curl verifying the serving certificate against {@code ca.crt}) and does what
 * its Role allows (pods in its namespace; 403 for secrets and other namespaces), its token
 * is refused once the pod is gone, {@code kubectl create token} and {@code kubectl auth whoami} work,
 * and new namespaces get their {@code default} ServiceAccount and {@code kube-root-ca.crt}.
 */
class IdentityE2E extends RealPodsTestBase {
  static final String SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "ident").ok();
  }

  @Test
  void aPodListsPodsThroughTheKubernetesServiceWithItsOwnTokenUntilItIsDeleted() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("-n", "ident", "get", "serviceaccount/default",
        "configmap/kube-root-ca.crt").exitCode() == 0);
    kubectl.apply(work, "api-client.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: api-client
          namespace: ident
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: debian
            command: ["sleep", "3600"]
        """).ok();
    kubectl.run("-n", "ident", "create", "role", "pod-reader", "--verb=get,list,watch", "--resource=pods").ok();
    kubectl.run("-n", "ident", "create", "rolebinding", "default-reads-pods", "--role=pod-reader", "--serviceaccount=ident:default").ok();
    kubectl.run("-n", "ident", "wait", "--for=condition=Ready", "pod/api-client", "--timeout=90s").ok();
    String listed = kubectl.run("-n", "ident", "exec", "api-client", "--", "sh", "-c", curl("/api/v1/namespaces/$(cat " + SA_DIR
        + "/namespace)/pods")).ok().out();
    assertThat(listed).contains("\"kind\":\"PodList\"", "\"name\":\"api-client\"");
    // its Role gives it pods in its namespace, nothing else
    assertThat(kubectl.run("-n", "ident", "exec", "api-client", "--", "sh", "-c", curl("/api/v1/namespaces/ident/secrets")).out())
        .contains("\"code\":403", "secrets is forbidden: User \\\"system:serviceaccount:ident:default\\\" cannot list resource"
            + " \\\"secrets\\\" in API group \\\"\\\" in the namespace \\\"ident\\\"");
    assertThat(kubectl.run("-n", "ident", "exec", "api-client", "--", "sh", "-c", curl("/api/v1/namespaces/default/pods")).out())
        .contains("\"code\":403", "in the namespace \\\"default\\\"");
    // the same over the Service's address, verified against the same CA
    assertThat(kubectl.run("-n", "ident", "exec", "api-client", "--", "sh", "-c",
        "curl -sS --fail-with-body --cacert " + SA_DIR + "/ca.crt -H \"Authorization: Bearer $(cat " + SA_DIR + "/token)\" "
            + "https://10.96.0.1/version").ok().out()).contains("gitVersion");
    String token = kubectl.run("-n", "ident", "exec", "api-client", "--", "cat", SA_DIR + "/token").ok().out().strip();
    assertThat(kubectl.run("--token=" + token, "auth", "whoami").ok().out()).contains("system:serviceaccount:ident:default");

    kubectl.run("-n", "ident", "delete", "pod", "api-client", "--wait=true", "--timeout=60s").ok();
    Kubectl.Result refused = kubectl.run("--token=" + token, "-n", "ident", "get", "pods");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("Unauthorized");
  }

  static String curl(String path) {
    return "curl -sS --cacert " + SA_DIR + "/ca.crt -H \"Authorization: Bearer $(cat " + SA_DIR + "/token)\" https://kubernetes.default.svc"
        + path;
  }

  @Test
  void kubectlCreateTokenMakesATokenThatAuthenticates() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("-n", "ident", "get", "serviceaccount/default").exitCode() == 0);
    String token = kubectl.run("-n", "ident", "create", "token", "default", "--duration=10m").ok().out().strip();
    assertThat(token.split("\\.")).hasSize(3);
    String who = kubectl.run("--token=" + token, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}")
        .ok().out();
    assertThat(who).contains("system:serviceaccount:ident:default", "system:serviceaccounts:ident", "system:authenticated");
    // authenticated, and without a binding allowed nothing but the basics
    assertThat(kubectl.run("--token=" + token, "-n", "ident", "get", "serviceaccounts").err())
        .contains("serviceaccounts is forbidden: User \"system:serviceaccount:ident:default\" cannot list resource \"serviceaccounts\"");
    Kubectl.Result tooShort = kubectl.run("-n", "ident", "create", "token", "default", "--duration=1m");
    assertThat(tooShort.exitCode()).isNotZero();
    assertThat(tooShort.err()).contains("may not specify a duration less than 10 minutes");
  }

  @Test
  void newNamespacesGetTheirServiceAccountAndRootCa() throws Exception {
    kubectl.run("create", "namespace", "ident-new").ok();
    await().atMost(Duration.ofSeconds(20)).until(() -> kubectl.run("-n", "ident-new", "get", "serviceaccount/default",
        "configmap/kube-root-ca.crt").exitCode() == 0);
    assertThat(kubectl.run("-n", "ident-new", "get", "configmap", "kube-root-ca.crt", "-o", "jsonpath={.data.ca\\.crt}").ok().out())
        .startsWith("-----BEGIN CERTIFICATE-----");
    kubectl.run("delete", "namespace", "ident-new", "--wait=false").ok();
  }
}
