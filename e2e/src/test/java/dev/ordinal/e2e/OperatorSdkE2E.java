package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ordinal.e2e.operator.Ensemble;
import dev.ordinal.e2e.operator.EnsembleReconciler;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A real operator, written with the Java Operator SDK, against `ordinal up`: it watches its custom
 * resource and the StatefulSets it owns, applies them server-side and patches its status; the
 * garbage collector removes the StatefulSet with its Ensemble.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class OperatorSdkE2E extends OrdinalE2ETestBase {
  @Test
  void anOperatorReconcilesItsResourceIntoAStatefulSet() throws Exception {
    kubectl.runWithInput(Ensemble.CRD, "apply", "-f", "-").ok();
    kubectl.run("wait", "--for=condition=Established", "crd/ensembles.ops.example.com", "--timeout=30s").ok();
    kubectl.run("create", "namespace", "ops").ok();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(ordinal.kubeconfig()))).build()) {
      Operator operator = new Operator(o -> o.withKubernetesClient(client).withCloseClientOnStop(false));
      operator.register(new EnsembleReconciler(), c -> c.settingNamespaces("ops"));
      operator.start();
      try {
        kubectl.runWithInput("""
            apiVersion: ops.example.com/v1
            kind: Ensemble
            metadata: {name: zk, namespace: ops}
            spec: {replicas: 3, image: zookeeper}
            """, "apply", "-f", "-").ok();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(kubectl.run("-n", "ops", "get", "statefulset", "zk", "-o", "jsonpath={.spec.replicas} {.metadata.ownerReferences[0].kind}")
              .ok().out()).isEqualTo("3 Ensemble");
          assertThat(kubectl.run("-n", "ops", "get", "ensemble", "zk", "-o", "jsonpath={.status.readyReplicas}").ok().out()).isEqualTo("3");
        });
        assertThat(kubectl.run("-n", "ops", "get", "statefulset", "zk", "-o", "jsonpath={.metadata.managedFields[*].manager}").ok().out())
            .contains("ensemble-operator");

        kubectl.run("-n", "ops", "patch", "ensemble", "zk", "--type=merge", "-p", "{\"spec\":{\"replicas\":1}}").ok();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
          assertThat(kubectl.run("-n", "ops", "get", "ensemble", "zk", "-o", "jsonpath={.status.readyReplicas} {.status.observedGeneration}")
              .ok().out()).isEqualTo("1 2");
          assertThat(kubectl.run("-n", "ops", "get", "pods", "-o", "name").ok().out().lines()).containsExactly("pod/zk-0");
        });

        kubectl.run("-n", "ops", "delete", "ensemble", "zk").ok();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
            assertThat(kubectl.run("-n", "ops", "get", "statefulsets", "-o", "name").ok().out()).isEmpty());
      } finally {
        operator.stop();
      }
    }
  }
}
