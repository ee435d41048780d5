package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static dev.ordinal.server.SimulatedCluster.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Budgets over a StatefulSet's replicas with the disruption controller and the simulated node: the
 * status follows the set's scale and its pods' readiness, an eviction spends the one allowed
 * disruption until the replacement is ready again.
 */
class DisruptionScenariosIT extends SimulatedClusterTests {
  PodDisruptionBudget budget(IntOrString minAvailable, IntOrString maxUnavailable) {
    return cluster.client.policy().v1().podDisruptionBudget().inNamespace(ns).resource(new PodDisruptionBudgetBuilder()
        .withNewMetadata().withName("web-pdb").endMetadata()
        .withNewSpec().withNewSelector().addToMatchLabels("app", "nginx").endSelector()
        .withMinAvailable(minAvailable).withMaxUnavailable(maxUnavailable).endSpec().build()).create();
  }

  PodDisruptionBudgetStatus status() {
    PodDisruptionBudget pdb = cluster.client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web-pdb").get();
    return pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
  }

  /** expectedPods/desiredHealthy/currentHealthy/disruptionsAllowed. */
  static List<Integer> counts(PodDisruptionBudgetStatus s) {
    return List.of(n(s.getExpectedPods()), n(s.getDesiredHealthy()), n(s.getCurrentHealthy()), n(s.getDisruptionsAllowed()));
  }

  static int n(Integer i) {
    return i == null ? 0 : i;
  }

  void awaitCounts(int expected, int desired, int healthy, int allowed) {
    await().atMost(PATIENCE).untilAsserted(() -> assertThat(counts(status())).isEqualTo(List.of(expected, desired, healthy, allowed)));
  }

  @Test
  void anEvictionSpendsTheOneDisruptionUntilTheReplicaIsBack() {
    cluster.create(ns, web(3, "", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 3);
    budget(null, new IntOrString(1));
    awaitCounts(3, 2, 3, 1);
    PodDisruptionBudgetStatus s = status();
    assertThat(s.getObservedGeneration()).isEqualTo(1);
    assertThat(s.getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("DisruptionAllowed");
      assertThat(c.getStatus()).isEqualTo("True");
      assertThat(c.getReason()).isEqualTo("SufficientPods");
    });

    assertThat(cluster.client.pods().inNamespace(ns).withName("web-1").evict()).isTrue();
    // the disruption is spent at once, before the controller has seen anything
    // (fabric8 retries a 429 by default, which would outlast the replacement: ask once)
    try (KubernetesClient once = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(cluster.client.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build()) {
      assertThat(once.pods().inNamespace(ns).withName("web-2").evict()).isFalse();
    }
    assertThat(cluster.pod(ns, "web-2").getMetadata().getDeletionTimestamp()).isNull();

    // the set recreates web-1; once it is ready the budget allows one again, and nothing is pending
    await().atMost(PATIENCE).untilAsserted(() -> {
      assertThat(counts(status())).isEqualTo(List.of(3, 2, 3, 1));
      assertThat(status().getDisruptedPods()).isNullOrEmpty();
      assertThat(status().getConditions().getFirst().getReason()).isEqualTo("SufficientPods");
    });
    assertThat(cluster.client.pods().inNamespace(ns).withName("web-2").evict()).isTrue();
  }

  @Test
  void percentagesFollowTheSetsScale() {
    cluster.create(ns, web(3, "podManagementPolicy: Parallel", ""));
    budget(new IntOrString("50%"), null);
    // 50 % of 3 rounds up to 2
    awaitCounts(3, 2, 3, 1);
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").scale(5);
    awaitCounts(5, 3, 5, 2);

    // a spec change is seen (observedGeneration) and recomputed: 20 % unavailable of 5 is 1
    cluster.client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("web-pdb").edit(p -> {
      p.getSpec().setMinAvailable(null);
      p.getSpec().setMaxUnavailable(new IntOrString("20%"));
      return p;
    });
    awaitCounts(5, 4, 5, 1);
    assertThat(status().getObservedGeneration()).isEqualTo(2);
  }
}
