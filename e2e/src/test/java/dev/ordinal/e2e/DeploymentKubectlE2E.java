package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The kubectl of a Deployment's life on `ordinal up --runtime simulated`: create, scale, set
 * image/env/resources, rollout status/history/undo/restart/pause/resume, expose, get all,
 * describe; and a ReplicationController beside it.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class DeploymentKubectlE2E extends OrdinalE2ETestBase {

  String image() throws Exception {
    return kubectl.run("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}").ok().out().trim();
  }

  int replicaSets() throws Exception {
    return kubectl.run("get", "rs", "-l", "app=web", "-o", "name").ok().out().trim().lines().toList().size();
  }

  void rolledOut() throws Exception {
    assertThat(kubectl.run("rollout", "status", "deploy/web", "--timeout=60s").ok().out())
        .contains("deployment \"web\" successfully rolled out");
  }

  @Test
  void aDeploymentsWholeLifeThroughKubectl() throws Exception {
    assertThat(kubectl.run("create", "deployment", "web", "--image=nginx:1.26", "--replicas=2").ok().out())
        .contains("deployment.apps/web created");
    rolledOut();
    String table = kubectl.run("get", "deploy", "web").ok().out();
    assertThat(table.lines().findFirst().orElseThrow()).containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE");
    assertThat(table).containsPattern("web\\s+2/2\\s+2\\s+2");
    String rs = kubectl.run("get", "rs", "-o", "wide").ok().out();
    assertThat(rs.lines().findFirst().orElseThrow())
        .containsPattern("NAME\\s+DESIRED\\s+CURRENT\\s+READY\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR");
    assertThat(rs).containsPattern("web-[a-z0-9]+\\s+2\\s+2\\s+2\\s+\\S+\\s+nginx\\s+nginx:1.26\\s+app=web,pod-template-hash=[a-z0-9]+");

    assertThat(kubectl.run("scale", "deploy/web", "--replicas=3").ok().out()).contains("deployment.apps/web scaled");
    rolledOut();
    assertThat(kubectl.run("get", "pods", "-l", "app=web", "-o", "name").ok().out().trim().lines()).hasSize(3);

    assertThat(kubectl.run("set", "image", "deploy/web", "nginx=nginx:1.27").ok().out()).contains("deployment.apps/web image updated");
    rolledOut();
    assertThat(replicaSets()).isEqualTo(2);
    String history = kubectl.run("rollout", "history", "deploy/web").ok().out();
    assertThat(history).contains("deployment.apps/web").containsPattern("(?m)^1\\s").containsPattern("(?m)^2\\s");
    assertThat(kubectl.run("rollout", "history", "deploy/web", "--revision=1").ok().out()).contains("nginx:1.26");

    assertThat(kubectl.run("rollout", "undo", "deploy/web").ok().out()).contains("deployment.apps/web rolled back");
    rolledOut();
    assertThat(image()).isEqualTo("nginx:1.26");
    assertThat(replicaSets()).isEqualTo(2);
    assertThat(kubectl.run("rollout", "undo", "deploy/web", "--to-revision=2").ok().out()).contains("rolled back");
    rolledOut();
    assertThat(image()).isEqualTo("nginx:1.27");

    assertThat(kubectl.run("rollout", "restart", "deploy/web").ok().out()).contains("deployment.apps/web restarted");
    rolledOut();
    assertThat(replicaSets()).isEqualTo(3);

    assertThat(kubectl.run("rollout", "pause", "deploy/web").ok().out()).contains("deployment.apps/web paused");
    assertThat(kubectl.run("set", "env", "deploy/web", "GREETING=hello").ok().out()).contains("deployment.apps/web env updated");
    assertThat(kubectl.run("set", "resources", "deploy/web", "--limits=cpu=200m,memory=128Mi").ok().out())
        .contains("deployment.apps/web resource requirements updated");
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> replicaSets() == 3);
    assertThat(kubectl.run("rollout", "undo", "deploy/web").err()).contains("you cannot rollback a paused deployment");
    assertThat(kubectl.run("rollout", "resume", "deploy/web").ok().out()).contains("deployment.apps/web resumed");
    rolledOut();
    assertThat(replicaSets()).isEqualTo(4);
    assertThat(kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].spec.containers[0].env[0].value}").ok().out())
        .contains("hello");

    assertThat(kubectl.run("expose", "deployment", "web", "--port=80").ok().out()).contains("service/web exposed");
    assertThat(kubectl.run("get", "svc", "web", "-o", "jsonpath={.spec.selector.app}").ok().out()).isEqualTo("web");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        kubectl.run("get", "endpoints", "web", "-o", "jsonpath={.subsets[0].addresses[*].ip}").out().trim().split(" ").length == 3);

    String all = kubectl.run("get", "all").ok().out();
    assertThat(all).contains("deployment.apps/web", "service/web").containsPattern("replicaset.apps/web-[a-z0-9]+")
        .containsPattern("pod/web-[a-z0-9]+-[a-z0-9]{5}");

    String describe = kubectl.run("describe", "deploy", "web").ok().out();
    assertThat(describe).contains("Replicas:", "3 desired | 3 updated | 3 total | 3 available | 0 unavailable",
        "StrategyType:", "RollingUpdate", "RollingUpdateStrategy:  25% max unavailable, 25% max surge",
        "Available      True    MinimumReplicasAvailable", "Progressing    True    NewReplicaSetAvailable",
        "NewReplicaSet:", "ScalingReplicaSet", "deployment-controller");
    assertThat(describe).containsPattern("NewReplicaSet:\\s+web-[a-z0-9]+ \\(3/3 replicas created\\)");

    assertThat(kubectl.run("explain", "deployment.spec.strategy").ok().out()).contains("rollingUpdate", "type");

    kubectl.run("delete", "deploy", "web").ok();
    kubectl.run("delete", "svc", "web").ok();
    await().atMost(Duration.ofSeconds(60)).until(() -> kubectl.run("get", "pods", "-l", "app=web", "-o", "name").out().isBlank()
        && replicaSets() == 0);
  }

  @Test
  void aReplicationControllerIsServedWithItsColumnsAndScales() throws Exception {
    String rc = """
        apiVersion: v1
        kind: ReplicationController
        metadata:
          name: legacy
        spec:
          replicas: 2
          template:
            metadata:
              labels:
                app: legacy
            spec:
              containers:
              - name: nginx
                image: nginx:1.26
        """;
    kubectl.runWithInput(rc, "apply", "-f", "-").ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        kubectl.run("get", "rc", "legacy", "-o", "jsonpath={.status.readyReplicas}").out().trim().equals("2"));
    String table = kubectl.run("get", "rc", "-o", "wide").ok().out();
    assertThat(table).containsPattern("legacy\\s+2\\s+2\\s+2\\s+\\S+\\s+nginx\\s+nginx:1.26\\s+app=legacy");
    assertThat(kubectl.runWithInput(rc, "apply", "-f", "-").ok().out()).contains("unchanged");
    kubectl.run("scale", "rc/legacy", "--replicas=1").ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        kubectl.run("get", "pods", "-l", "app=legacy", "-o", "name").out().trim().lines().count() == 1);
    assertThat(kubectl.run("describe", "rc", "legacy").ok().out()).contains("Replicas:", "1 current / 1 desired", "SuccessfulDelete");
    kubectl.run("delete", "rc", "legacy").ok();
  }

  /** kubectl 1.27–1.33, where installed: their create, rollout and undo work on the same API. */
  @Test
  void everyInstalledKubectlRollsADeploymentOutAndBack() throws Exception {
    String resources = kubectl.run("api-resources").ok().out();
    assertThat(resources).containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
        .containsPattern("replicasets\\s+rs\\s+apps/v1\\s+true\\s+ReplicaSet")
        .containsPattern("replicationcontrollers\\s+rc\\s+v1\\s+true\\s+ReplicationController");
    for (int minor = 27; minor <= 33; minor++) {
      java.nio.file.Path binary = java.nio.file.Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1." + minor);
      if (!java.nio.file.Files.isExecutable(binary)) {
        continue;
      }
      Kubectl other = new Kubectl(binary.toString(), ordinal.kubeconfig(), java.nio.file.Files.createTempDirectory(work, "cache-1." + minor));
      String name = "v1-" + minor;
      assertThat(other.run("create", "deployment", name, "--image=nginx:1.26").ok().out()).as("kubectl 1.%d", minor)
          .contains("deployment.apps/" + name + " created");
      other.run("rollout", "status", "deploy/" + name, "--timeout=60s").ok();
      other.run("set", "image", "deploy/" + name, "nginx=nginx:1.27").ok();
      other.run("rollout", "status", "deploy/" + name, "--timeout=60s").ok();
      assertThat(other.run("rollout", "undo", "deploy/" + name).ok().out()).as("kubectl 1.%d", minor).contains("rolled back");
      other.run("rollout", "status", "deploy/" + name, "--timeout=60s").ok();
      assertThat(other.run("get", "deploy", name, "-o", "jsonpath={.spec.template.spec.containers[0].image}").ok().out())
          .as("kubectl 1.%d", minor).isEqualTo("nginx:1.26");
      assertThat(other.run("get", "rs", "-l", "app=" + name, "-o", "name").ok().out().trim().lines()).as("kubectl 1.%d", minor).hasSize(2);
      other.run("delete", "deploy", name).ok();
    }
  }
}
