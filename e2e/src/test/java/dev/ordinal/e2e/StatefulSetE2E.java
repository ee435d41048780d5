package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * StatefulSets as a user drives them with kubectl, on `ordinal up --runtime simulated`: ordered
 * start, stable names and claims, scaling, rolling update and undo, deletion that keeps claims.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class StatefulSetE2E extends OrdinalE2ETestBase {
  static final String WEB = """
      apiVersion: v1
      kind: Service
      metadata:
        name: nginx
      spec:
        clusterIP: None
        selector:
          app: nginx
        ports:
        - port: 80
          name: web
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 3
        selector:
          matchLabels:
            app: nginx
        template:
          metadata:
            labels:
              app: nginx
          spec:
            containers:
            - name: nginx
              image: nginx:1.27
              readinessProbe:
                tcpSocket:
                  port: 80
                initialDelaySeconds: 1
              volumeMounts:
              - name: www
                mountPath: /usr/share/nginx/html
        volumeClaimTemplates:
        - metadata:
            name: www
          spec:
            accessModes: ["ReadWriteOnce"]
            resources:
              requests:
                storage: 1Gi
      """;

  /** The index of the first watched line about {@code pod} containing {@code text}, or -1. */
  static int firstLine(List<String> lines, String pod, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(pod + " ") && lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  static List<String> lines(String s) {
    return Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
  }

  @Test
  void theLifeOfAStatefulSet() throws Exception {
    Process watch = kubectl.start("get", "pods", "-w", "-l", "app=nginx", "--no-headers");
    List<String> watched = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(watch.getInputStream()))) {
        String l;
        while ((l = r.readLine()) != null) {
          watched.add(l);
        }
      } catch (java.io.IOException e) {
        // stopped
      }
    });
    kubectl.apply(work, "web.yaml", WEB).ok();
    assertThat(kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok().out()).contains("roll out complete");
    assertThat(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}").ok().out())
        .isEqualTo("web-0 web-1 web-2");
    // ordered start: each replica was created only once the one before it was Running and Ready
    String created = kubectl.run("get", "pods", "-l", "app=nginx", "--sort-by=.metadata.creationTimestamp",
        "-o", "jsonpath={.items[*].metadata.name}").ok().out();
    assertThat(created).isEqualTo("web-0 web-1 web-2");
    String web1Created = kubectl.run("get", "pod", "web-1", "-o", "jsonpath={.metadata.creationTimestamp}").ok().out();
    String web0ReadySince = kubectl.run("get", "pod", "web-0", "-o",
        "jsonpath={.status.conditions[?(@.type==\"Ready\")].lastTransitionTime}").ok().out();
    assertThat(web1Created.compareTo(web0ReadySince)).isGreaterThanOrEqualTo(0);
    // what a user watching sees: web-1 appears only after web-0 is Running and ready, and so on
    watch.destroy();
    reader.join(5000);
    int web0Ready = firstLine(watched, "web-0", "1/1");
    int web1Appears = firstLine(watched, "web-1", "");
    int web1Ready = firstLine(watched, "web-1", "1/1");
    int web2Appears = firstLine(watched, "web-2", "");
    assertThat(web0Ready).as(String.join("\n", watched)).isGreaterThanOrEqualTo(0).isLessThan(web1Appears);
    assertThat(web1Ready).isGreaterThanOrEqualTo(0).isLessThan(web2Appears);
    assertThat(kubectl.run("get", "pod", "web-1", "-o", "jsonpath={.spec.hostname}.{.spec.subdomain}").ok().out()).isEqualTo("web-1.nginx");
    assertThat(kubectl.run("get", "pvc", "-o", "jsonpath={.items[*].status.phase}").ok().out()).isEqualTo("Bound Bound Bound");

    String uid = kubectl.run("get", "pod", "web-1", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.run("delete", "pod", "web-1").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/web-1", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "pod", "web-1", "-o", "jsonpath={.metadata.uid}").ok().out()).isNotEqualTo(uid);
    assertThat(kubectl.run("get", "pod", "web-1", "-o", "jsonpath={.spec.volumes[0].persistentVolumeClaim.claimName}").ok().out())
        .isEqualTo("www-web-1");

    kubectl.run("scale", "sts", "web", "--replicas=5").ok();
    kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok();
    kubectl.run("scale", "sts", "web", "--replicas=2").ok();
    kubectl.run("wait", "--for=delete", "pod/web-2", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.name}").ok().out()).isEqualTo("web-0 web-1");
    assertThat(lines(kubectl.run("get", "pvc", "-o", "name").ok().out())).hasSize(5);

    kubectl.run("set", "image", "sts/web", "nginx=nginx:1.28").ok();
    assertThat(kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok().out()).contains("roll out complete");
    assertThat(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}").ok().out())
        .isEqualTo("nginx:1.28 nginx:1.28");
    assertThat(kubectl.run("rollout", "history", "sts/web").ok().out()).contains("1", "2");
    kubectl.run("rollout", "undo", "sts/web").ok();
    kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}").ok().out())
        .isEqualTo("nginx:1.27 nginx:1.27");

    // a canary: with partition 1 only web-1 takes the new image
    kubectl.run("patch", "sts", "web", "-p", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":1}}}}").ok();
    kubectl.run("set", "image", "sts/web", "nginx=nginx:1.29").ok();
    assertThat(kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok().out()).contains("partitioned roll out complete: 1 new pods");
    assertThat(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}").ok().out())
        .isEqualTo("nginx:1.27 nginx:1.29");
    kubectl.run("patch", "sts", "web", "-p", "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"partition\":0}}}}").ok();
    kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok();
    String restartedBefore = kubectl.run("get", "pod", "web-0", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.run("rollout", "restart", "sts/web").ok();
    kubectl.run("rollout", "status", "sts/web", "--timeout=60s").ok();
    assertThat(kubectl.run("get", "pod", "web-0", "-o", "jsonpath={.metadata.uid}").ok().out()).isNotEqualTo(restartedBefore);
    assertThat(kubectl.run("describe", "sts", "web").ok().out()).contains("SuccessfulCreate", "create Pod web-0 in StatefulSet web");

    kubectl.run("delete", "-f", work.resolve("web.yaml").toString(), "--timeout=60s").ok();
    kubectl.run("wait", "--for=delete", "pod/web-0", "--timeout=60s").ok();
    assertThat(lines(kubectl.run("get", "pvc", "-o", "name").ok().out())).hasSize(5);
  }
}
