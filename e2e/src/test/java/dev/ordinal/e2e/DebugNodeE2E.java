package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl debug node/NAME} on a node that allows privileged pods ({@code ordinal up
 * --allow-privileged}): kubectl's pod (hostPID, hostNetwork, hostIPC, the host's / at /host) sees
 * the host's processes, its network and hostname, and its files. MetricsDebugE2E checks the
 * refusal without the flag.
 */
@RealPodsTestBase.UpArguments("--allow-privileged")
class DebugNodeE2E extends RealPodsTestBase {
  @Test
  void debugNodeSharesTheHostsNamespacesAndRoot() throws Exception {
    kubectl.run("create", "namespace", "nodedebug").ok();
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out();
    Kubectl.Result r = kubectl.run("-n", "nodedebug", "debug", "node/" + node, "--image=busybox", "--", "sh", "-c",
        "echo conmons-$(ps -o comm | grep -c '^conmon'); ip link show ord0 >/dev/null && echo bridge-seen; echo host-$(hostname);"
            + " test -d /host/usr/lib && echo root-at-host").ok();
    Matcher m = Pattern.compile("debugging pod (\\S+) with container").matcher(r.out() + r.err());
    assertThat(m.find()).as("kubectl debug node said: %s %s", r.out(), r.err()).isTrue();
    String pod = m.group(1);
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(kubectl.run("-n", "nodedebug", "get", "pod", pod, "-o",
        "jsonpath={.status.phase}").ok().out()).as(kubectl.run("-n", "nodedebug", "get", "pod", pod, "-o", "yaml").out())
        .isEqualTo("Succeeded"));
    String hostname = new String(new ProcessBuilder("hostname").start().getInputStream().readAllBytes()).strip();
    String logs = kubectl.run("-n", "nodedebug", "logs", pod).ok().out();
    assertThat(logs).contains("bridge-seen", "host-" + hostname, "root-at-host").doesNotContain("conmons-0");
  }
}
