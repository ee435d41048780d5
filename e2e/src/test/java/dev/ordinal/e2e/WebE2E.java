package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The seeds' nginx StatefulSet (examples/web.yaml) on real pods: each replica serves its own page
 * from its own claim, also after every pod is replaced, and a rolling update with `set image` goes
 * from the highest ordinal down while `rollout status` reports it.
 */
class WebE2E extends RealPodsTestBase {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  String page(int ordinal) throws Exception {
    String ip = kubectl.run("get", "pod", "web-" + ordinal, "-o", "jsonpath={.status.podIP}").ok().out();
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + ip + "/")).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  List<String> uids() throws Exception {
    return List.of(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].metadata.uid}").ok().out().split(" "))
        .stream().filter(u -> !u.isBlank()).toList();
  }

  String rolloutStatus() throws Exception {
    return kubectl.run("rollout", "status", "sts/web", "--timeout=100s").ok().out();
  }

  @Test
  void replicasKeepTheirOwnPagesAndUpdateFromTheHighestOrdinalDown() throws Exception {
    kubectl.run("apply", "-f", example("web.yaml").toString()).ok();
    assertThat(rolloutStatus()).contains("roll out complete");
    for (int i = 0; i < 3; i++) {
      assertThat(page(i)).isEqualTo("hello from web-" + i + "\n");
    }
    kubectl.run("exec", "web-1", "--", "sh", "-c", "echo edited by hand > /usr/share/nginx/html/index.html").ok();

    List<String> before = uids();
    kubectl.run("delete", "pod", "-l", "app=nginx").ok();
    // three new pods, before asking the set's status (which may not have seen the deletions yet)
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      List<String> now = uids();
      return now.size() == 3 && now.stream().noneMatch(before::contains);
    });
    assertThat(rolloutStatus()).contains("roll out complete");
    assertThat(page(0)).isEqualTo("hello from web-0\n");
    assertThat(page(1)).isEqualTo("edited by hand\n");
    assertThat(page(2)).isEqualTo("hello from web-2\n");

    Process watch = kubectl.start("get", "pods", "-l", "app=nginx", "-w", "--output-watch-events",
        "-o", "jsonpath={.type} {.object.metadata.name} {.object.metadata.deletionTimestamp}{\"\\n\"}");
    List<String> deletions = new ArrayList<>();
    CountDownLatch listed = new CountDownLatch(3);
    Thread reader = Thread.ofVirtual().start(() -> {
      try (var lines = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          listed.countDown();
          String[] f = line.trim().split(" ");
          if (f.length == 3 && !deletions.contains(f[1])) {
            synchronized (deletions) {
              deletions.add(f[1]);
            }
          }
        }
      } catch (java.io.IOException ignored) {
        // the watch was stopped
      }
    });
    try {
      // the watch has listed the three pods: it cannot miss the first deletion
      assertThat(listed.await(30, TimeUnit.SECONDS)).isTrue();
      kubectl.run("set", "image", "statefulset/web", "nginx=nginx:1.28").ok();
      String status = rolloutStatus();
      assertThat(status).contains("Waiting for partitioned roll out to finish", "roll out complete: 3 new pods have been updated");
    } finally {
      watch.destroy();
      reader.join(5000);
    }
    synchronized (deletions) {
      assertThat(deletions).as("the order pods were taken down in").containsExactly("web-2", "web-1", "web-0");
    }
    assertThat(kubectl.run("get", "pods", "-l", "app=nginx", "-o", "jsonpath={.items[*].spec.containers[0].image}").ok().out())
        .isEqualTo("nginx:1.28 nginx:1.28 nginx:1.28");
    assertThat(page(1)).isEqualTo("edited by hand\n");
    assertThat(page(2)).isEqualTo("hello from web-2\n");
  }
}
