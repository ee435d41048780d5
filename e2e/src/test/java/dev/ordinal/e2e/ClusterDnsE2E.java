package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DNS as the Kubernetes documentation checks it ("Debugging DNS Resolution"), on real pods: the
 * {@code kube-dns} Service at 10.96.0.10, a pod's resolv.conf naming it with the search list and
 * ndots:5, and BusyBox's nslookup (which sends a dotted name as it is, without the search list)
 * answering {@code kubernetes.default} and {@code web-0.nginx} through the server's autopath.
 */
@RealPodsTestBase.ServerJvmOptions("-Dordinal.dnsLog=true") // the query log, to see what BusyBox asks
class ClusterDnsE2E extends RealPodsTestBase {
  static final String WEB = """
      apiVersion: v1
      kind: Service
      metadata:
        name: nginx
      spec:
        clusterIP: None
        selector:
          app: dns-web
        ports:
        - name: web
          port: 80
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: web
      spec:
        serviceName: nginx
        replicas: 1
        selector:
          matchLabels:
            app: dns-web
        template:
          metadata:
            labels:
              app: dns-web
          spec:
            containers:
            - name: nginx
              image: nginx
      """;

  @BeforeAll
  static void startWorkloads() throws Exception {
    kubectl.runWithInput(WEB, "apply", "-f", "-").ok();
    kubectl.run("run", "dnsutils", "--image=busybox", "--restart=Never", "--", "sleep", "3600").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/dnsutils", "pod/web-0", "--timeout=120s").ok();
  }

  @AfterAll
  static void deleteWorkloads() throws Exception {
    if (kubectl != null) {
      kubectl.run("delete", "pod", "dnsutils", "--grace-period=0", "--force");
      kubectl.runWithInput(WEB, "delete", "-f", "-", "--timeout=90s");
    }
  }

  @Test
  void theKubeDnsServiceHasKubeadmsAddressAndPorts() throws Exception {
    String out = kubectl.run("get", "svc", "-n", "kube-system", "kube-dns").ok().out();
    assertThat(out).contains("10.96.0.10").contains("53/UDP,53/TCP");
    assertThat(kubectl.run("get", "svc", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "name").ok().out()).contains("service/kube-dns");
    assertThat(kubectl.run("get", "endpoints", "-n", "kube-system", "kube-dns", "-o", "jsonpath={.subsets[0].addresses[0].ip}").ok().out())
        .isEqualTo("10.88.0.1");
  }

  @Test
  void aPodsResolvConfNamesTheServiceWithTheSearchList() throws Exception {
    String conf = kubectl.run("exec", "dnsutils", "--", "cat", "/etc/resolv.conf").ok().out();
    assertThat(conf).contains("nameserver 10.96.0.10\n").contains("search default.svc.cluster.local svc.cluster.local cluster.local")
        .contains("options ndots:5");
  }

  @Test
  void busyboxNslookupResolvesServiceAndPodNamesThroughTheServiceIp() throws Exception {
    String web0 = kubectl.run("get", "pod", "web-0", "-o", "jsonpath={.status.podIP}").ok().out().trim();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      // the host image's busybox is the multi-call binary itself (no applet links), so `busybox nslookup`
      Kubectl.Result r = kubectl.run("exec", "dnsutils", "--", "busybox", "nslookup", "kubernetes.default");
      assertThat(r.out()).as(r.err()).contains("10.96.0.10").contains("10.96.0.1\n");
      r = kubectl.run("exec", "dnsutils", "--", "busybox", "nslookup", "web-0.nginx");
      assertThat(r.out()).as(r.err()).contains(web0);
      r = kubectl.run("exec", "dnsutils", "--", "busybox", "nslookup", "kubernetes.default.svc.cluster.local");
      assertThat(r.out()).as(r.err()).contains("10.96.0.1\n");
    });
    String client = kubectl.run("get", "pod", "dnsutils", "-o", "jsonpath={.status.podIP}").ok().out().trim();
    List<String> asked = ordinal.log().lines().filter(l -> l.contains("query - " + client + " ")).toList();
    System.out.println("queries from the busybox pod:\n" + String.join("\n", asked));
    // BusyBox sends the dotted name as it is; the server completes it along the pod's search list
    assertThat(asked).anyMatch(l -> l.contains(" web-0.nginx. A NOERROR"));
  }
}
