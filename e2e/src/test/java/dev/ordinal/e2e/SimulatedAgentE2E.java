package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * `ordinal agent --runtime simulated` (what bench/run.sh agents spreads a set over): the agent
 * joins `ordinal up` with a token over HTTPS as one on another host would, registers its node, and
 * runs the pods scheduled there (without processes); a StatefulSet on it becomes Ready.
 */
class SimulatedAgentE2E extends OrdinalE2ETestBase {
  private static Process agent;

  @AfterAll
  static void stopAgent() throws InterruptedException {
    if (agent != null) {
      agent.destroy();
      agent.waitFor();
    }
  }

  @Test
  void aSimulatedAgentJoinsAndRunsAStatefulSet() throws Exception {
    Kubectl.Result token = ordinal.commandStdout("token", "create");
    assertThat(token.exitCode()).as(token.err()).isZero();
    Path tokenFile = Files.writeString(work.resolve("token"), token.out().strip() + "\n");
    Matcher server = Pattern.compile("server: (\\S+)").matcher(Files.readString(ordinal.kubeconfig()));
    assertThat(server.find()).isTrue();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "dev.ordinal.server.Main", "agent", "--runtime", "simulated",
        "--server", server.group(1), "--token-file", tokenFile.toString(), "--node-name", "sim-1", "--node-ip", "127.0.0.2",
        "--node-label", "zone=z1", "--data-dir", work.resolve("agent").toString()));
    agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
        kubectl.run("get", "node", "sim-1", "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.metadata.labels.zone}")
            .out()).as(Files.readString(work.resolve("agent.log"))).isEqualTo("True z1"));

    kubectl.runWithInput("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: sim}
        spec:
          replicas: 3
          serviceName: sim
          podManagementPolicy: Parallel
          selector: {matchLabels: {app: sim}}
          template:
            metadata: {labels: {app: sim}}
            spec:
              containers: [{name: app, image: nginx:1.27}]
        """, "apply", "-f", "-").ok();
    kubectl.run("rollout", "status", "statefulset/sim", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "pods", "-l", "app=sim", "-o", "jsonpath={.items[*].spec.nodeName}").ok().out())
        .isEqualTo("sim-1 sim-1 sim-1");
    // a bad runtime name is refused before anything joins
    Kubectl.Result bad = ordinal.commandStdout("agent", "--runtime", "docker", "--server", server.group(1));
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--runtime must be runc or simulated");
  }
}
