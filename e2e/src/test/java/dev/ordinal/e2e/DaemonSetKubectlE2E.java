package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A DaemonSet through kubectl on `ordinal up --runtime simulated`: its pod on the node, the
 * table, rollout status after apply and set image, rollout history and undo (which kubectl reads
 * from the DaemonSet's ControllerRevisions), restart, describe and get all.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class DaemonSetKubectlE2E extends OrdinalE2ETestBase {
  static final String DS = """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: logs
      spec:
        selector:
          matchLabels:
            app: logs
        template:
          metadata:
            labels:
              app: logs
          spec:
            terminationGracePeriodSeconds: 1
            containers:
            - name: shipper
              image: nginx:1.26
      """;

  String image() throws Exception {
    return kubectl.run("get", "ds", "logs", "-o", "jsonpath={.spec.template.spec.containers[0].image}").ok().out().trim();
  }

  void rolledOut() throws Exception {
    assertThat(kubectl.run("rollout", "status", "ds/logs", "--timeout=60s").ok().out())
        .contains("daemon set \"logs\" successfully rolled out");
  }

  String podImages() throws Exception {
    return kubectl.run("get", "pods", "-l", "app=logs", "-o", "jsonpath={.items[*].spec.containers[0].image}").ok().out().trim();
  }

  @Test
  void aDaemonSetsLifeThroughKubectl() throws Exception {
    assertThat(kubectl.runWithInput(DS, "apply", "-f", "-").ok().out()).contains("daemonset.apps/logs created");
    rolledOut();
    String table = kubectl.run("get", "ds", "logs").ok().out();
    assertThat(table.lines().findFirst().orElseThrow())
        .containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+NODE SELECTOR\\s+AGE");
    assertThat(table).containsPattern("logs\\s+1\\s+1\\s+1\\s+1\\s+1\\s+<none>");
    assertThat(kubectl.run("get", "pods", "-l", "app=logs", "-o", "name").ok().out().trim().lines()).hasSize(1);

    assertThat(kubectl.run("set", "image", "ds/logs", "shipper=nginx:1.27").ok().out()).contains("daemonset.apps/logs image updated");
    rolledOut();
    await().atMost(Duration.ofSeconds(30)).until(() -> podImages().equals("nginx:1.27"));

    String history = kubectl.run("rollout", "history", "ds/logs").ok().out();
    assertThat(history).contains("daemonset.apps/logs").containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
    assertThat(kubectl.run("rollout", "history", "ds/logs", "--revision=1").ok().out()).contains("nginx:1.26");

    assertThat(kubectl.run("rollout", "undo", "ds/logs").ok().out()).contains("daemonset.apps/logs rolled back");
    rolledOut();
    assertThat(image()).isEqualTo("nginx:1.26");
    await().atMost(Duration.ofSeconds(30)).until(() -> podImages().equals("nginx:1.26"));
    assertThat(kubectl.run("rollout", "history", "ds/logs").ok().out()).containsPattern("(?m)^2\\s").containsPattern("(?m)^3\\s");

    String before = kubectl.run("get", "pods", "-l", "app=logs", "-o", "name").ok().out().trim();
    assertThat(kubectl.run("rollout", "restart", "ds/logs").ok().out()).contains("daemonset.apps/logs restarted");
    rolledOut();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      String now = kubectl.run("get", "pods", "-l", "app=logs", "-o", "name").ok().out().trim();
      return !now.isEmpty() && !now.equals(before) && now.lines().count() == 1;
    });

    String describe = kubectl.run("describe", "ds", "logs").ok().out();
    assertThat(describe).contains("Desired Number of Nodes Scheduled: 1", "Current Number of Nodes Scheduled: 1",
        "Number of Nodes Scheduled with Up-to-date Pods: 1", "Number of Nodes Scheduled with Available Pods: 1",
        "Number of Nodes Misscheduled: 0", "SuccessfulCreate", "daemonset-controller");
    assertThat(kubectl.run("get", "all").ok().out()).contains("daemonset.apps/logs");
    assertThat(kubectl.run("explain", "daemonset.spec.updateStrategy").ok().out()).contains("rollingUpdate");

    kubectl.run("delete", "ds", "logs").ok();
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pods", "-l", "app=logs", "-o", "name").out().isBlank()
        && kubectl.run("get", "controllerrevisions", "-o", "name").out().isBlank());
  }

  /**
   * kubectl 1.27–1.33, where installed: apply, rollout status, set image, history and undo of a
   * DaemonSet (1.27 and 1.28 apply with --validate=false: they validate against /openapi/v2).
   */
  @Test
  void everyInstalledKubectlRollsADaemonSetOutAndBack() throws Exception {
    assertThat(kubectl.run("api-resources").ok().out()).containsPattern("daemonsets\\s+ds\\s+apps/v1\\s+true\\s+DaemonSet");
    for (int minor = 27; minor <= 33; minor++) {
      java.nio.file.Path binary = java.nio.file.Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1." + minor);
      if (!java.nio.file.Files.isExecutable(binary)) {
        continue;
      }
      Kubectl other = new Kubectl(binary.toString(), ordinal.kubeconfig(), java.nio.file.Files.createTempDirectory(work, "ds-cache-1." + minor));
      String name = "v1-" + minor;
      other.runWithInput(DS.replace("name: logs", "name: " + name).replace("app: logs", "app: " + name), "apply",
          minor < 29 ? "--validate=false" : "--validate=strict", "-f", "-").ok(); // 1.27/1.28 validate with /openapi/v2
      String status = "daemon set \"" + name + "\" successfully rolled out";
      assertThat(other.run("rollout", "status", "ds/" + name, "--timeout=60s").ok().out()).as("kubectl 1.%d", minor).contains(status);
      other.run("set", "image", "ds/" + name, "shipper=nginx:1.27").ok();
      assertThat(other.run("rollout", "status", "ds/" + name, "--timeout=60s").ok().out()).as("kubectl 1.%d", minor).contains(status);
      assertThat(other.run("rollout", "history", "ds/" + name).ok().out()).as("kubectl 1.%d", minor).containsPattern("(?m)^2\\s");
      assertThat(other.run("rollout", "undo", "ds/" + name).ok().out()).as("kubectl 1.%d", minor).contains("rolled back");
      other.run("rollout", "status", "ds/" + name, "--timeout=60s").ok();
      assertThat(other.run("get", "ds", name, "-o", "jsonpath={.spec.template.spec.containers[0].image}").ok().out())
          .as("kubectl 1.%d", minor).isEqualTo("nginx:1.26");
      other.run("delete", "ds", name).ok();
    }
  }
}
