package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #15's metrics and kubectl debug on real pods: {@code kubectl top} shows the CPU and memory
 * of a pod burning CPU (metrics.k8s.io from the node's cgroups); the API server's and the node
 * agent's {@code /metrics} parse as the Prometheus text format and need a credential RBAC lets
 * read them; {@code kubectl debug -it --target} starts an ephemeral container that sees the
 * target's processes, typed on a real terminal as InteractiveE2E does, and kubectl 1.29 debugs too.
 */
class MetricsDebugE2E extends RealPodsTestBase {
  static final Duration ANSWER = Duration.ofSeconds(60);

  @BeforeAll
  static void createWorkloads() throws Exception {
    kubectl.run("create", "namespace", "metrics").ok();
    kubectl.apply(work, "metrics-pods.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: burn
          namespace: metrics
          labels: {app: burn}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: burn
            image: busybox
            # holds ~20 MB in the shell's memory, then spins
            command: ["sh", "-c", "x=$(head -c 20000000 /dev/zero | tr '\\\\0' a); while :; do :; done"]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: target
          namespace: metrics
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: app
            image: busybox
            command: ["sleep", "3600"]
        """).ok();
    kubectl.run("-n", "metrics", "wait", "--for=condition=Ready", "pod/burn", "pod/target", "--timeout=90s").ok();
  }

  @Test
  void topPodsShowsTheCpuAndMemoryOfABurningPod() throws Exception {
    Pattern line = Pattern.compile("(?m)^burn\\s+burn\\s+(\\d+)m\\s+(\\d+)Mi\\s*$");
    await().atMost(ANSWER).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      Kubectl.Result top = kubectl.run("-n", "metrics", "top", "pods", "--containers");
      Matcher m = line.matcher(top.out());
      assertThat(m.find()).as("kubectl top pods --containers:\n%s%s", top.out(), top.err()).isTrue();
      // a busy loop on a shared two-core machine: well above idle, whatever the neighbours take
      assertThat(Integer.parseInt(m.group(1))).as("burn's CPU (millicores)").isGreaterThan(150);
      assertThat(Integer.parseInt(m.group(2))).as("burn's memory (Mi)").isGreaterThanOrEqualTo(15);
    });
    Kubectl.Result nodes = kubectl.run("top", "nodes").ok();
    assertThat(nodes.out()).containsPattern("(?m)^NAME\\s+CPU\\(cores\\)\\s+CPU(\\(%\\)|%)\\s+MEMORY\\(bytes\\)\\s+MEMORY(\\(%\\)|%)")
        .containsPattern("(?m)^\\S+\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%");
    // the API itself, as metrics-server's: a label selector picks the pods
    String list = kubectl.run("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/metrics/pods?labelSelector=app%3Dburn").ok().out();
    assertThat(list).contains("\"kind\":\"PodMetricsList\"").contains("\"name\":\"burn\"").doesNotContain("\"name\":\"target\"");
    assertThat(kubectl.run("-n", "metrics", "top", "pod", "nothing-here").err()).contains("NotFound");
  }

  @Test
  void metricsParseAndNeedACredentialAllowedToReadThem() throws Exception {
    kubectl.run("-n", "metrics", "get", "pods").ok(); // at least one counted LIST of pods
    PrometheusText api = PrometheusText.parse(kubectl.run("get", "--raw", "/metrics").ok().out());
    assertThat(api.types).containsEntry("apiserver_request_total", "counter")
        .containsEntry("apiserver_request_duration_seconds", "histogram").containsEntry("workqueue_depth", "gauge")
        .containsEntry("etcd_request_duration_seconds", "histogram");
    assertThat(api.find("apiserver_request_total", Map.of("verb", "LIST", "resource", "pods", "code", "200"))).isNotEmpty();
    assertThat(api.find("workqueue_depth", Map.of("name", "statefulset"))).isNotEmpty();
    assertThat(api.find("etcd_request_duration_seconds_count", Map.of("operation", "create", "type", "pods"))).isNotEmpty();

    String url = ordinal.serverUrl() + "/metrics";
    Process anonymous = new ProcessBuilder("curl", "-sk", "-o", "/dev/null", "-w", "%{http_code}", url).start();
    assertThat(new String(anonymous.getInputStream().readAllBytes())).as("no credential").isEqualTo("401");
    assertThat(kubectl.run("--as=someone", "get", "--raw", "/metrics").err()).as("a user RBAC does not let").contains("Forbidden");
    assertThat(kubectl.run("--as=prometheus", "--as-group=system:monitoring", "get", "--raw", "/metrics").ok().out())
        .contains("apiserver_request_total");

    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    PrometheusText agent = PrometheusText.parse(kubectl.run("get", "--raw", "/api/v1/nodes/" + node + "/proxy/metrics").ok().out());
    assertThat(agent.find("kubelet_pod_start_duration_seconds_count", Map.of())).singleElement()
        .satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(2));
    assertThat(agent.find("kubelet_running_containers", Map.of("container_state", "running"))).singleElement()
        .satisfies(s -> assertThat(s.value()).isGreaterThanOrEqualTo(2));
    assertThat(kubectl.run("--as=someone", "get", "--raw", "/api/v1/nodes/" + node + "/proxy/metrics").err()).contains("Forbidden");
  }

  @Test
  void debugWithTargetSeesTheTargetsProcesses() throws Exception {
    assumeTrue(Files.exists(Path.of("/usr/bin/socat")), "needs socat (./ordinal test installs it as root)");
    try (Kubectl.Terminal t = kubectl.interactive(100, 30, "-n", "metrics", "debug", "-it", "target", "--image=busybox",
        "--target=app", "--container=debugger", "--", "sh")) {
      t.await("If you don't see a command prompt", ANSWER).type("\r").await("# ", ANSWER);
      t.type("ps -o pid,args | grep -c '[s]leep 3600'\r").await("\n1", ANSWER);
      t.type("echo host-$(hostname)\r").await("host-target", ANSWER);
      t.type("exit\r");
      assertThat(t.awaitExit(ANSWER)).as("kubectl's exit code; it showed:\n%s", t.shown()).isZero();
    }
    await().atMost(ANSWER).untilAsserted(() -> assertThat(kubectl.run("-n", "metrics", "get", "pod", "target", "-o",
        "jsonpath={.status.ephemeralContainerStatuses[0].name} {.status.ephemeralContainerStatuses[0].state.terminated.exitCode}")
        .ok().out()).isEqualTo("debugger 0"));
    // kubectl ≤ 1.29 read the subresource's answer too (it crashed on a 404 without details)
    Kubectl old = new Kubectl("/usr/lib/google-cloud-sdk/bin/kubectl.1.29", ordinal.kubeconfig(), work.resolve("kube-cache-129"));
    Kubectl.Result r = old.run("-n", "metrics", "debug", "target", "--image=busybox", "--container=second", "--", "true");
    assertThat(r.exitCode()).as("kubectl 1.29 debug: %s %s", r.out(), r.err()).isZero();
    // the validation is upstream's (kubectl computes its patch by name, so a reused name is no
    // duplicate on the wire: EphemeralContainersIT checks the refusals kubectl cannot send)
    assertThat(kubectl.run("-n", "metrics", "debug", "target", "--image=busybox", "--target=nope", "--", "true").err())
        .contains("targetContainerName: Not found: \"nope\"");
  }

  /** kubectl debug node/… asks for the host's namespaces and its root: privileged, so refused without --allow-privileged. */
  @Test
  void debugNodeIsRefusedWithoutAllowPrivileged() throws Exception {
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    Kubectl.Result r = kubectl.run("-n", "metrics", "debug", "node/" + node, "--image=busybox", "--", "true").ok();
    Matcher m = Pattern.compile("debugging pod (\\S+) with container").matcher(r.out() + r.err());
    assertThat(m.find()).as("kubectl debug node said: %s %s", r.out(), r.err()).isTrue();
    String pod = m.group(1);
    await().atMost(ANSWER).untilAsserted(() -> assertThat(kubectl.run("-n", "metrics", "get", "pod", pod, "-o",
        "jsonpath={.status.containerStatuses[0].state.waiting.reason}: {.status.containerStatuses[0].state.waiting.message}").ok().out())
        .startsWith("CreateContainerConfigError: ").contains("--allow-privileged"));
    kubectl.run("-n", "metrics", "delete", "pod", pod, "--wait=false").ok();
  }
}
