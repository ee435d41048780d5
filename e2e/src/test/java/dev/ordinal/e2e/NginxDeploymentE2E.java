package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's nginx Deployment (2 replicas, in apps/v1) behind its headless Service on real pods:
 * `nslookup nginx-service` from another pod lists both pods' addresses.
 */
class NginxDeploymentE2E extends RealPodsTestBase {
  static final String MANIFEST = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: nginx-deployment
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: nginx_test
        template:
          metadata:
            labels:
              app: nginx_test
          spec:
            containers:
            - name: nginx
              image: nginx
              ports:
              - containerPort: 80
      ---
      kind: Service
      apiVersion: v1
      metadata:
        name: nginx-service
      spec:
        selector:
          app: nginx_test
        ports:
        - protocol: TCP
          port: 80
          targetPort: 80
        clusterIP: None
      """;

  @Test
  void theHeadlessServiceNameResolvesToBothPods() throws Exception {
    try {
      kubectl.runWithInput(MANIFEST, "apply", "-f", "-").ok();
      assertThat(kubectl.run("rollout", "status", "deploy/nginx-deployment", "--timeout=120s").ok().out())
          .contains("successfully rolled out");
      List<String> ips = List.of(kubectl.run("get", "pods", "-l", "app=nginx_test", "-o", "jsonpath={.items[*].status.podIP}")
          .ok().out().trim().split(" "));
      assertThat(ips).hasSize(2);
      kubectl.run("run", "client", "--image=busybox", "--restart=Never", "--", "sleep", "3600").ok();
      kubectl.run("wait", "--for=condition=Ready", "pod/client", "--timeout=120s").ok();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
        // the host image's busybox is the multi-call binary itself (no applet links)
        Kubectl.Result r = kubectl.run("exec", "client", "--", "busybox", "nslookup", "nginx-service");
        assertThat(r.out()).as(r.err()).contains("nginx-service").contains(ips.get(0)).contains(ips.get(1));
      });
    } finally {
      kubectl.run("delete", "pod", "client", "--grace-period=0", "--force");
      kubectl.runWithInput(MANIFEST, "delete", "-f", "-", "--timeout=90s");
    }
  }
}
