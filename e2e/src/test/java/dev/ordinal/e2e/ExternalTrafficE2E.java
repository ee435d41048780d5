package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue #15: a Deployment reached from the host through a NodePort Service and a LoadBalancer
 * Service, both served on the listen address (loopback here, the default), and the port closed
 * again when the Service goes.
 */
class ExternalTrafficE2E extends RealPodsTestBase {
  static int status(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (ConnectException e) {
      return false;
    } catch (Exception e) {
      return true;
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void nodePortAndLoadBalancerServicesAnswerOnTheListenAddress() throws Exception {
    try {
      kubectl.run("create", "deployment", "web", "--image=nginx").ok();
      kubectl.run("expose", "deployment", "web", "--port=80", "--type=NodePort").ok();
      assertThat(kubectl.run("rollout", "status", "deploy/web", "--timeout=120s").ok().out()).contains("successfully rolled out");
      int nodePort = Integer.parseInt(kubectl.run("get", "svc", "web", "-o", "jsonpath={.spec.ports[0].nodePort}").ok().out().trim());
      assertThat(nodePort).isBetween(30000, 32767);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .untilAsserted(() -> assertThat(status("http://127.0.0.1:" + nodePort + "/")).isEqualTo(200));

      int lbPort = freePort();
      kubectl.run("expose", "deployment", "web", "--name=web-lb", "--port=" + lbPort, "--target-port=80", "--type=LoadBalancer").ok();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(kubectl.run("get", "svc", "web-lb", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").ok().out().trim())
              .isEqualTo("127.0.0.1"));
      assertThat(kubectl.run("get", "svc", "web-lb").ok().out()).contains("127.0.0.1").contains(lbPort + ":");
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .untilAsserted(() -> assertThat(status("http://127.0.0.1:" + lbPort + "/")).isEqualTo(200));

      kubectl.run("delete", "svc", "web", "web-lb").ok();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> !listening(nodePort) && !listening(lbPort));
    } finally {
      kubectl.run("delete", "svc", "web", "web-lb", "--ignore-not-found");
      kubectl.run("delete", "deployment", "web", "--timeout=90s");
    }
  }

  @Test
  void aTakenPortIsReportedAndTakenOnceFree() throws Exception {
    ServerSocket holder = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
    int port = holder.getLocalPort();
    try {
      kubectl.run("create", "service", "loadbalancer", "held", "--tcp=" + port + ":80").ok();
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(kubectl.run("get", "events", "--field-selector", "involvedObject.name=held", "-o",
              "jsonpath={.items[*].reason} {.items[*].message}").ok().out())
              .contains("FailedToListen").contains("127.0.0.1:" + port + "/TCP"));
      assertThat(kubectl.run("get", "svc", "held", "-o", "jsonpath={.status.loadBalancer.ingress}").ok().out().trim()).isEmpty();
      holder.close();
      // the retry comes within 30 s
      await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
          assertThat(kubectl.run("get", "svc", "held", "-o", "jsonpath={.status.loadBalancer.ingress[0].ip}").ok().out().trim())
              .isEqualTo("127.0.0.1"));
      assertThat(listening(port)).isTrue();
    } finally {
      holder.close();
      kubectl.run("delete", "svc", "held", "--ignore-not-found");
    }
  }
}
