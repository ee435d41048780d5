package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes 1.33's in-place pod resize on a real pod, driven by kubectl 1.33's
 * {@code patch --subresource resize}: the container's memory limit raised while it runs (same
 * container, same restart count, its cgroup's limit the new value as read inside it), a resize that
 * would change the QoS class or lower the memory limit refused with upstream's 422, one beyond the
 * machine left unapplied with PodResizePending (Infeasible), and a resize
 * whose resizePolicy says RestartContainer restarting the container with the new limit.
 */
class PodResizeE2E extends RealPodsTestBase {
  static final String KUBECTL_133 = "/usr/lib/google-cloud-sdk/bin/kubectl.1.33";
  static final Duration WAIT = Duration.ofSeconds(90);
  /** The container's own memory limit: cgroup v2's file, or v1's memory controller (mounted per controller). */
  static final String READ_LIMIT = "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes";
  static Kubectl k133;

  @BeforeAll
  static void kubectl133() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(KUBECTL_133)), "needs kubectl 1.33");
    k133 = new Kubectl(KUBECTL_133, ordinal.kubeconfig(), Files.createDirectories(work.resolve("kube-cache-133")));
    k133.run("create", "namespace", "resize").ok();
  }

  static String pod(String name, String memoryPolicy) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: resize
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: ["sh", "-c", "sleep 3600"]
            resizePolicy:
            - {resourceName: cpu, restartPolicy: NotRequired}
            - {resourceName: memory, restartPolicy: %s}
            resources:
              requests: {cpu: 100m, memory: 32Mi}
              limits: {cpu: 200m, memory: 64Mi}
        """.formatted(name, memoryPolicy);
  }

  static String jsonpath(String name, String path) throws Exception {
    return k133.run("-n", "resize", "get", "pod", name, "-o", "jsonpath=" + path).ok().out().strip();
  }

  static String limitInside(String name) throws Exception {
    return k133.run("-n", "resize", "exec", name, "--", "sh", "-c", READ_LIMIT).ok().out().strip();
  }

  @Test
  void raisingTheMemoryLimitChangesTheRunningContainersCgroup() throws Exception {
    kubectl.apply(work, "grow.yaml", pod("grow", "NotRequired")).ok();
    k133.run("-n", "resize", "wait", "--for=condition=Ready", "pod/grow", "--timeout=90s").ok();
    String containerId = jsonpath("grow", "{.status.containerStatuses[0].containerID}");
    String uid = jsonpath("grow", "{.metadata.uid}");
    assertThat(limitInside("grow")).isEqualTo(String.valueOf(64L << 20));
    assertThat(jsonpath("grow", "{.status.containerStatuses[0].resources.limits.memory}")).isEqualTo("64Mi");

    k133.run("-n", "resize", "patch", "pod", "grow", "--subresource", "resize", "--patch",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"limits\":{\"memory\":\"128Mi\"}}}]}}").ok();

    await().atMost(WAIT).untilAsserted(() ->
        assertThat(jsonpath("grow", "{.status.containerStatuses[0].resources.limits.memory}")).isEqualTo("128Mi"));
    assertThat(limitInside("grow")).isEqualTo(String.valueOf(128L << 20));
    assertThat(jsonpath("grow", "{.status.containerStatuses[0].containerID}")).as("the same container").isEqualTo(containerId);
    assertThat(jsonpath("grow", "{.status.containerStatuses[0].restartCount}")).isEqualTo("0");
    assertThat(jsonpath("grow", "{.metadata.uid}")).isEqualTo(uid);
    assertThat(jsonpath("grow", "{.spec.containers[0].resources.limits.memory}")).isEqualTo("128Mi");
    assertThat(jsonpath("grow", "{.status.containerStatuses[0].allocatedResources.memory}")).isEqualTo("32Mi");
    assertThat(jsonpath("grow", "{.status.conditions[?(@.type==\"PodResizeInProgress\")].status}")).isEmpty();

    // lowering it (resizePolicy NotRequired) and changing the QoS class: refused, nothing changes
    Kubectl.Result lower = k133.run("-n", "resize", "patch", "pod", "grow", "--subresource", "resize", "--patch",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"limits\":{\"memory\":\"16Mi\"}}}]}}");
    assertThat(lower.exitCode()).isNotZero();
    assertThat(lower.err()).contains("is invalid").contains(
        "spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer");
    Kubectl.Result qos = k133.run("-n", "resize", "patch", "pod", "grow", "--subresource", "resize", "--patch",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":{\"cpu\":\"200m\",\"memory\":\"128Mi\"}}}]}}");
    assertThat(qos.exitCode()).isNotZero();
    assertThat(qos.err()).contains("spec: Invalid value: \"Burstable\": Pod QOS Class may not change as a result of resizing");
    // resources do not change through the pod itself
    Kubectl.Result plain = k133.run("-n", "resize", "patch", "pod", "grow", "--patch",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"limits\":{\"memory\":\"256Mi\"}}}]}}");
    assertThat(plain.exitCode()).isNotZero();
    assertThat(plain.err()).contains("spec: Forbidden: pod updates may not change fields other than");
    assertThat(limitInside("grow")).isEqualTo(String.valueOf(128L << 20));

    // more memory than the machine has: accepted by the API, not applied by the node (Infeasible)
    k133.run("-n", "resize", "patch", "pod", "grow", "--subresource", "resize", "--patch",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":{\"memory\":\"100Ti\"},"
            + "\"limits\":{\"memory\":\"200Ti\"}}}]}}").ok();
    await().atMost(WAIT).untilAsserted(() ->
        assertThat(jsonpath("grow", "{.status.conditions[?(@.type==\"PodResizePending\")].reason}")).isEqualTo("Infeasible"));
    assertThat(jsonpath("grow", "{.status.conditions[?(@.type==\"PodResizePending\")].message}"))
        .startsWith("Node didn't have enough capacity: memory, requested: 109951162777600, capacity: ");
    assertThat(jsonpath("grow", "{.status.containerStatuses[0].resources.limits.memory}")).isEqualTo("128Mi");
    assertThat(limitInside("grow")).isEqualTo(String.valueOf(128L << 20));
    assertThat(jsonpath("grow", "{.status.containerStatuses[0].restartCount}")).isEqualTo("0");
  }

  @Test
  void restartContainerPolicyRestartsTheContainerWithTheNewLimit() throws Exception {
    kubectl.apply(work, "shrink.yaml", pod("shrink", "RestartContainer")).ok();
    k133.run("-n", "resize", "wait", "--for=condition=Ready", "pod/shrink", "--timeout=90s").ok();
    String uid = jsonpath("shrink", "{.metadata.uid}");
    k133.run("-n", "resize", "patch", "pod", "shrink", "--subresource", "resize", "--patch",
        "{\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"limits\":{\"memory\":\"48Mi\"}}}]}}").ok();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(jsonpath("shrink", "{.status.containerStatuses[0].restartCount}")).isEqualTo("1");
      assertThat(jsonpath("shrink", "{.status.containerStatuses[0].state.running.startedAt}")).isNotEmpty();
      assertThat(jsonpath("shrink", "{.status.containerStatuses[0].resources.limits.memory}")).isEqualTo("48Mi");
    });
    await().atMost(WAIT).untilAsserted(() -> assertThat(limitInside("shrink")).isEqualTo(String.valueOf(48L << 20)));
    assertThat(jsonpath("shrink", "{.metadata.uid}")).isEqualTo(uid);
  }
}
