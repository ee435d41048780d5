package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A DaemonSet on real pods: its busybox pod runs on the node, and a template change replaces it. */
class DaemonSetE2E extends RealPodsTestBase {
  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "daemons").ok();
  }

  String k(String... args) throws Exception {
    String[] full = new String[args.length + 2];
    full[0] = "-n";
    full[1] = "daemons";
    System.arraycopy(args, 0, full, 2, args.length);
    return kubectl.run(full).ok().out();
  }

  @Test
  void aBusyboxDaemonRunsOnTheNodeAndRollsToANewTemplate() throws Exception {
    kubectl.apply(work, "daemon.yaml", """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
          namespace: daemons
        spec:
          selector:
            matchLabels:
              app: agent
          template:
            metadata:
              labels:
                app: agent
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - name: agent
                image: busybox
                command: ["busybox", "sleep", "3600"]
                env:
                - name: ROUND
                  value: "1"
        """).ok();
    assertThat(k("rollout", "status", "ds/agent", "--timeout=120s")).contains("daemon set \"agent\" successfully rolled out");
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
    assertThat(k("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].spec.nodeName}").trim()).isEqualTo(node);
    assertThat(k("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].status.phase}").trim()).isEqualTo("Running");
    String pod = k("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[0].metadata.name}").trim();
    assertThat(k("exec", pod, "--", "busybox", "sh", "-c", "echo $ROUND").trim()).isEqualTo("1");

    assertThat(k("set", "env", "ds/agent", "ROUND=2")).contains("daemonset.apps/agent env updated");
    assertThat(k("rollout", "status", "ds/agent", "--timeout=120s")).contains("daemon set \"agent\" successfully rolled out");
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      String names = k("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[*].metadata.name}").trim();
      return !names.isEmpty() && !names.contains(pod) && !names.contains(" ");
    });
    String replaced = k("get", "pods", "-l", "app=agent", "-o", "jsonpath={.items[0].metadata.name}").trim();
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("-n", "daemons", "exec", replaced, "--", "busybox", "sh", "-c", "echo $ROUND").out().trim().equals("2"));

    k("delete", "ds", "agent");
    await().atMost(Duration.ofSeconds(60)).until(() -> k("get", "pods", "-l", "app=agent", "-o", "name").isBlank());
  }
}
