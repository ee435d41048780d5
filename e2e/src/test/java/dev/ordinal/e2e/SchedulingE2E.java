package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's rules as a user meets them with kubectl, on `ordinal up --runtime simulated`
 * (one node): a required anti-affinity on kubernetes.io/hostname keeps the second replica of a
 * StatefulSet Pending, with upstream's FailedScheduling message in `kubectl describe`.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class SchedulingE2E extends OrdinalE2ETestBase {
  static final String APART = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: apart
      spec:
        serviceName: apart
        replicas: 2
        podManagementPolicy: Parallel
        selector:
          matchLabels:
            app: apart
        template:
          metadata:
            labels:
              app: apart
          spec:
            affinity:
              podAntiAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                - labelSelector:
                    matchLabels:
                      app: apart
                  topologyKey: kubernetes.io/hostname
            containers:
            - name: app
              image: busybox
              command: ["sleep", "3600"]
      """;

  static final String PREFERRED = APART.replace("""
                requiredDuringSchedulingIgnoredDuringExecution:
                - labelSelector:
                    matchLabels:
                      app: apart
                  topologyKey: kubernetes.io/hostname
      """, """
                preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 100
                  podAffinityTerm:
                    labelSelector:
                      matchLabels:
                        app: apart
                    topologyKey: kubernetes.io/hostname
      """);

  static final String MESSAGE = "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.";

  @Test
  void requiredAntiAffinityLeavesTheSecondReplicaPendingWithUpstreamsMessage() throws Exception {
    assertThat(PREFERRED).contains("preferredDuringScheduling").doesNotContain("requiredDuringScheduling");
    kubectl.apply(work, "apart.yaml", APART).ok();
    // one replica runs, the other waits
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      String phases = kubectl.run("get", "pods", "-l", "app=apart", "-o", "jsonpath={.items[*].status.phase}").ok().out().trim();
      return phases.equals("Running Pending") || phases.equals("Pending Running");
    });
    String pending = kubectl.run("get", "pods", "-l", "app=apart", "--field-selector=status.phase=Pending",
        "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
    assertThat(pending).isIn("apart-0", "apart-1");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() ->
        kubectl.run("describe", "pod", pending).ok().out().contains("FailedScheduling"));
    String described = kubectl.run("describe", "pod", pending).ok().out();
    assertThat(described).contains("Warning  FailedScheduling").contains("default-scheduler").contains(MESSAGE);
    assertThat(described).containsPattern("Node:\\s+<none>");
    assertThat(kubectl.run("get", "pod", pending, "-o",
        "jsonpath={.status.conditions[?(@.type==\"PodScheduled\")].reason}/{.status.conditions[?(@.type==\"PodScheduled\")].message}")
        .ok().out()).isEqualTo("Unschedulable/" + MESSAGE);
    assertThat(kubectl.run("get", "events", "--field-selector", "reason=FailedScheduling,involvedObject.name=" + pending,
        "-o", "jsonpath={.items[*].message}").ok().out()).contains(MESSAGE);
    // with the rule relaxed to a preference, both replicas run on the one node
    kubectl.run("delete", "statefulset", "apart", "--wait=true").ok();
    kubectl.apply(work, "apart-preferred.yaml", PREFERRED).ok();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
        kubectl.run("get", "pods", "-l", "app=apart", "-o", "jsonpath={.items[*].status.phase}").ok().out().trim().equals("Running Running"));
    kubectl.run("delete", "statefulset", "apart", "--wait=true").ok();
  }
}
