package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code ordinal down} after a run with pods: the server stops, and nothing of Ordinal's is left on
 * the host — no container, conmon, network namespace, bridge, Service rule, mount or cgroup — while
 * the data directory stays; {@code ordinal up} afterwards runs the same pods again.
 */
class OrdinalDownE2E extends RealPodsTestBase {
  @Test
  void downLeavesNothingRunningAndUpBringsThePodsBack() throws Exception {
    kubectl.apply(work, "web.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          terminationGracePeriodSeconds: 2
          containers:
          - name: nginx
            image: nginx
        """).ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/web", "--timeout=90s").ok();
    String uid = kubectl.run("get", "pod", "web", "-o", "jsonpath={.metadata.uid}").ok().out();
    Path data = work.resolve("data");
    assertThat(HostLeftovers.of(data, uid)).isNotEmpty();

    String said = ordinal.command("down");
    assertThat(said).contains("stopping ordinal up", "starts the same pods again");
    ordinal.stop(false); // already gone: down stopped it
    assertThat(HostLeftovers.of(data, uid)).as("what is left of the pod").isEmpty();
    assertThat(HostLeftovers.run("sh", "-c", "ps -eo args | grep '[c]onmon' | grep -c " + uid + " || true").strip()).isEqualTo("0");
    assertThat(HostLeftovers.run("sh", "-c", "ip netns list | grep -c '^ordinal-' || true").strip()).isEqualTo("0");
    assertThat(HostLeftovers.run("sh", "-c", "ip link show ord0 2>&1 || true")).contains("does not exist");
    assertThat(HostLeftovers.run("sh", "-c", "iptables-save | grep -c ORD || true").strip()).isEqualTo("0");
    assertThat(HostLeftovers.run("sh", "-c", "grep -c " + data + " /proc/mounts || true").strip()).isEqualTo("0");
    assertThat(data.resolve("kubeconfig")).exists();

    ordinal.start();
    kubectl.run("wait", "--for=condition=Ready", "pod/web", "--timeout=120s").ok();
    assertThat(kubectl.run("get", "pod", "web", "-o", "jsonpath={.metadata.uid}").ok().out()).as("the same pod").isEqualTo(uid);
    assertThat(kubectl.run("exec", "web", "--", "cat", "/proc/1/cmdline").ok().out()).contains("nginx");
  }
}
