package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Helm 3 (helm-java embeds the real Go Helm 3.21) drives a release of its own starter chart
 * ({@code helm create}: Deployment, Service, ServiceAccount and a {@code helm test} hook pod that
 * wgets the Service with busybox) through install with --wait, test, upgrade, history and
 * uninstall, against real pods. Helm validates every manifest against the protobuf /openapi/v2
 * (hooks always, even with validation off), keeps its releases in labelled Secrets, applies
 * upgrades as three-way strategic merge patches and waits on Deployment readiness.
 * helm-java has no rollback command, so rollback is not covered here.
 */
class HelmE2E extends RealPodsTestBase {

  @Test
  void theStarterChartInstallsTestsUpgradesAndUninstallsLeavingNothingBehind() throws Exception {
    Path kubeconfig = ordinal.kubeconfig();
    Helm chart = Helm.create().withName("web").withDir(work).call();

    Release installed = chart.install().withName("web").withNamespace("default").withKubeConfig(kubeconfig)
        .waitReady().withTimeout(90).call();
    assertThat(installed.getStatus()).isEqualTo("deployed");
    assertThat(installed.getRevision()).isEqualTo("1");
    assertThat(kubectl.run("get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}").ok().out()).isEqualTo("1");
    assertThat(kubectl.run("get", "sa", "web", "-o", "name").ok().out().trim()).isEqualTo("serviceaccount/web");

    // --wait covers the Deployment, not the Service's routing: the hook's wget raced the proxy
    // rules once (connection refused 2 s after the pod became ready), so wait for the endpoint
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
        !kubectl.run("get", "endpoints", "web", "-o", "jsonpath={.subsets[*].addresses[*].ip}").out().isBlank());
    // Helm waits for the hook pod through a watch that streams its initial state (sendInitialEvents)
    Release tested = Helm.test("web").withNamespace("default").withKubeConfig(kubeconfig).withTimeout(60).call();
    assertThat(tested.getStatus()).isEqualTo("deployed");
    assertThat(kubectl.run("get", "pod", "web-test-connection", "-o", "jsonpath={.status.phase}").ok().out()).isEqualTo("Succeeded");
    assertThat(kubectl.run("logs", "web-test-connection").ok().out()).contains("'index.html' saved");

    Release upgraded = chart.upgrade().withName("web").withNamespace("default").withKubeConfig(kubeconfig)
        .set("replicaCount", 2).set("podAnnotations.revision", "two").waitReady().withTimeout(90).call();
    assertThat(upgraded.getStatus()).isEqualTo("deployed");
    assertThat(upgraded.getRevision()).isEqualTo("2");
    assertThat(kubectl.run("get", "deploy", "web", "-o", "jsonpath={.spec.replicas} {.status.readyReplicas} {.spec.template.metadata.annotations.revision}")
        .ok().out()).isEqualTo("2 2 two");

    List<ReleaseHistory> history = Helm.history("web").withNamespace("default").withKubeConfig(kubeconfig).call();
    assertThat(history).extracting(ReleaseHistory::getRevision, ReleaseHistory::getStatus)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "superseded"), org.assertj.core.groups.Tuple.tuple(2, "deployed"));
    assertThat(kubectl.run("get", "secrets", "-l", "owner=helm,name=web", "-o", "name").ok().out().trim().lines())
        .containsExactlyInAnyOrder("secret/sh.helm.release.v1.web.v1", "secret/sh.helm.release.v1.web.v2");

    assertThat(Helm.uninstall("web").withNamespace("default").withKubeConfig(kubeconfig).call()).contains("uninstalled");
    // the test hook pod has no delete policy in the starter chart, so Helm leaves it, as on Kubernetes
    kubectl.run("delete", "pod", "web-test-connection", "--ignore-not-found").ok();
    kubectl.run("wait", "--for=delete", "pods", "-l", "app.kubernetes.io/instance=web", "--timeout=60s");
    assertThat(kubectl.run("get", "deploy,rs,svc,sa,pods,secrets", "-l", "app.kubernetes.io/instance=web", "-o", "name").ok().out()).isBlank();
    assertThat(kubectl.run("get", "secrets", "-l", "owner=helm", "-o", "name").ok().out()).isBlank();
  }
}
