package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A rolling update and its undo without a failed request, on real pods: three nginx replicas
 * behind a ClusterIP Service (readiness probe, maxUnavailable 0, maxSurge 1, minReadySeconds),
 * a busybox client asking it several times a second through the Service's name; the Deployment
 * rolls from v1 to v2 (another ConfigMap mounted as the site) and back with `rollout undo`.
 * Every request must be answered, both versions must answer during the rollout, and once the undo
 * is rolled out only v1 answers.
 */
class DeploymentRolloutE2E extends RealPodsTestBase {
  static final String NS = "rollout";

  /** The Deployment serving the given version's ConfigMap as its site. */
  static String deployment(String version) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: rollout
        spec:
          replicas: 3
          minReadySeconds: 1
          strategy:
            type: RollingUpdate
            rollingUpdate:
              maxUnavailable: 0
              maxSurge: 1
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
              annotations:
                example.com/version: VERSION
            spec:
              terminationGracePeriodSeconds: 10
              containers:
              - name: nginx
                image: nginx
                env:
                - name: VERSION
                  value: VERSION
                ports:
                - containerPort: 80
                readinessProbe:
                  httpGet:
                    path: /
                    port: 80
                  periodSeconds: 1
                volumeMounts:
                - name: site
                  mountPath: /usr/share/nginx/html
              volumes:
              - name: site
                configMap:
                  name: site-VERSION
        """.replace("VERSION", version);
  }

  static final String SITE_AND_SERVICE = """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: site-v1
        namespace: rollout
      data:
        index.html: "v1"
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: site-v2
        namespace: rollout
      data:
        index.html: "v2"
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: rollout
      spec:
        selector:
          app: web
        ports:
        - port: 80
          targetPort: 80
      """;

  // One line per request: its number, OK and the body, or FAIL (then whether the ClusterIP itself
  // answers, to tell DNS from the Service's rules). busybox's wget, given 3 s (Debian's busybox 1.35
  // wget crashes with its own -T).
  static final String CLIENT = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: client
        namespace: rollout
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: client
          image: busybox
          command:
          - busybox
          - sh
          - -c
          - |
            i=0
            while true; do
              i=$((i+1))
              if body=$(busybox timeout 3 busybox wget -q -O- http://web/ 2>&1); then echo "$i OK $body"; else echo "$i FAIL $body"
                busybox timeout 3 busybox wget -q -O- http://$WEB_SERVICE_HOST/ >/dev/null 2>&1 && echo "by address OK"
              fi
              busybox sleep 0.1
            done
      """;

  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", NS).ok();
  }

  @AfterAll
  static void deleteNamespace() throws Exception {
    kubectl.run("delete", "namespace", NS, "--timeout=120s");
  }

  List<String> clientLog() throws Exception {
    return kubectl.run("-n", NS, "logs", "client").ok().out().lines().toList();
  }

  String timedLog() throws Exception {
    return kubectl.run("-n", NS, "logs", "client", "--timestamps").ok().out();
  }

  void rolledOut() throws Exception {
    assertThat(kubectl.run("-n", NS, "rollout", "status", "deploy/web", "--timeout=120s").ok().out())
        .contains("deployment \"web\" successfully rolled out");
  }

  @Test
  void everyRequestIsAnsweredThroughARolloutAndItsUndo() throws Exception {
    kubectl.runWithInput(SITE_AND_SERVICE, "apply", "-f", "-").ok();
    kubectl.runWithInput(deployment("v1"), "apply", "-f", "-").ok();
    rolledOut();
    kubectl.runWithInput(CLIENT, "apply", "-f", "-").ok();
    kubectl.run("-n", NS, "wait", "--for=condition=Ready", "pod/client", "--timeout=60s").ok();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<String> log = clientLog();
      assertThat(log).as("client log %s", log).filteredOn(l -> l.endsWith(" OK v1")).hasSizeGreaterThan(5);
    });

    kubectl.runWithInput(deployment("v2"), "apply", "-f", "-").ok();
    rolledOut();
    int afterRollout = clientLog().size();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<String> log = clientLog();
      assertThat(log.subList(afterRollout, log.size())).filteredOn(l -> l.endsWith(" OK v2")).hasSizeGreaterThan(5);
    });

    assertThat(kubectl.run("-n", NS, "rollout", "undo", "deploy/web").ok().out()).contains("deployment.apps/web rolled back");
    rolledOut();
    // a pod is stopped only once the Service's rules no longer reach it: with the v2 pods gone, only v1 can answer
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kubectl.run("-n", NS, "get", "pods", "-l", "app=web", "-o",
        "jsonpath={.items[*].metadata.annotations.example\\.com/version}").ok().out().trim().split(" ")).containsOnly("v1"));
    int afterUndo = clientLog().size();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(clientLog().size()).isGreaterThan(afterUndo + 20));

    List<String> log = clientLog();
    assertThat(log).as("failed requests in %s", timedLog()).allMatch(l -> l.matches("\\d+ OK v[12]"));
    assertThat(log.getLast()).as("requests made").startsWith(log.size() + " ");
    assertThat(log.subList(0, afterUndo)).as("answers").anyMatch(l -> l.endsWith(" OK v1")).anyMatch(l -> l.endsWith(" OK v2"));
    assertThat(log.subList(afterUndo, log.size())).as("answers after the undo").allMatch(l -> l.endsWith(" OK v1"));
    System.out.printf("DeploymentRolloutE2E: %d requests, all answered (%d by v2)%n", log.size(),
        log.stream().filter(l -> l.endsWith(" OK v2")).count());
  }
}
