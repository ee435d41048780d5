package dev.ordinal.e2e;

import static dev.ordinal.e2e.MariaDbE2E.awaitReady;
import static dev.ordinal.e2e.MariaDbE2E.awaitRow;
import static dev.ordinal.e2e.MariaDbE2E.sql;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MariaDB example (examples/mariadb.yaml) under the pod update policy InPlaceIfPossible, on
 * real pods. A new image tag is rolled out in place: every pod keeps its uid and IP (its
 * containers restart on the new image), the order is mysql-2, mysql-1, mysql-0 as a pod watch
 * sees it, and a row written on the primary afterwards reaches both replicas. A change of command
 * then recreates the pods (new uids), in the same order, and replication still runs.
 *
 * <p>Every tag of {@code mariadb} is the host's one MariaDB (a host image, docs/images.md), so the
 * new tag is {@code mariadb:10.11.18}, the installed version: a different image reference, as a
 * patch release in a registry would be, for the same software.
 */
class MariaDbInPlaceE2E extends RealPodsTestBase {
  static final String NEW_IMAGE = "mariadb:10.11.18";

  @BeforeAll
  static void needsMariaDb() {
    MariaDbE2E.needsMariaDb();
  }

  /** One pod as an event of the watch showed it. */
  record Seen(String type, String name, String uid, String mysqlImage, boolean deleting) {}

  /** A {@code kubectl get pods --watch} on the example's pods, every event kept in order. */
  static final class Watch implements AutoCloseable {
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Process process;

    Watch(Path kubeconfig) throws IOException {
      process = new ProcessBuilder(Kubectl.BINARY, "--kubeconfig", kubeconfig.toString(), "get", "pods", "-l", "app=mysql",
          "--watch", "--output-watch-events", "-o", "json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Thread.ofPlatform().daemon().name("mariadb-pod-watch").start(this::read);
    }

    private void read() {
      try (MappingIterator<JsonNode> events = Json.MAPPER.readerFor(JsonNode.class).readValues(process.getInputStream())) {
        while (events.hasNext()) {
          JsonNode e = events.next();
          JsonNode pod = e.path("object");
          String image = "";
          for (JsonNode c : pod.path("spec").path("containers")) {
            if (c.path("name").asText().equals("mysql")) {
              image = c.path("image").asText();
            }
          }
          seen.add(new Seen(e.path("type").asText(), pod.path("metadata").path("name").asText(),
              pod.path("metadata").path("uid").asText(), image, pod.path("metadata").has("deletionTimestamp")));
        }
      } catch (IOException | RuntimeException e) {
        // the watch ends when the test closes it
      }
    }

    /** The pod names in the order of their first event that matches. */
    List<String> orderOf(Predicate<Seen> p) {
      Set<String> order = new LinkedHashSet<>();
      seen.stream().filter(p).forEach(s -> order.add(s.name()));
      return new ArrayList<>(order);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** name → "uid ip" of the example's pods. */
  static Map<String, String> identities() throws Exception {
    String out = kubectl.run("get", "pods", "-l", "app=mysql", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.metadata.uid} {.status.podIP}{\"\\n\"}{end}").ok().out();
    Map<String, String> ids = new TreeMap<>();
    out.lines().filter(l -> !l.isBlank()).forEach(l -> ids.put(l.substring(0, l.indexOf(' ')), l.substring(l.indexOf(' ') + 1)));
    return ids;
  }

  static String jsonpath(String pod, String path) throws Exception {
    return kubectl.run("get", "pod", pod, "-o", "jsonpath=" + path).ok().out();
  }

  @Test
  void anImageUpdateKeepsEveryPodAndACommandChangeRecreatesThem() throws Exception {
    kubectl.run("apply", "-f", MariaDbE2E.example().toString()).ok();
    kubectl.run("annotate", "statefulset", "mysql", "apps.ordinal.dev/pod-update-policy=InPlaceIfPossible").ok();
    awaitReady("mysql-0", "mysql-1", "mysql-2");
    sql(0, "CREATE DATABASE shop; CREATE TABLE shop.messages (message VARCHAR(250)); INSERT INTO shop.messages VALUES ('hello')").ok();
    awaitRow(1, "hello");
    awaitRow(2, "hello");
    Map<String, String> before = identities();
    assertThat(before).containsOnlyKeys("mysql-0", "mysql-1", "mysql-2");

    // 1. a new tag of both app containers' image: in place
    try (Watch watch = new Watch(ordinal.kubeconfig())) {
      long t = System.nanoTime();
      kubectl.run("set", "image", "statefulset/mysql", "mysql=" + NEW_IMAGE, "xtrabackup=" + NEW_IMAGE).ok();
      kubectl.run("rollout", "status", "statefulset/mysql", "--timeout=300s").ok();
      System.out.printf("in-place rollout of 3 replicas: %.1f s%n", (System.nanoTime() - t) / 1e9);
      Thread.sleep(500); // the watch's last events
      assertThat(identities()).as("uid and IP of every pod").isEqualTo(before);
      assertThat(watch.orderOf(s -> s.mysqlImage().equals(NEW_IMAGE))).as("in-place order (pod watch)")
          .containsExactly("mysql-2", "mysql-1", "mysql-0");
      assertThat(watch.seen).as("no pod deleted").noneMatch(s -> s.deleting() || s.type().equals("DELETED"));
    }
    for (String pod : List.of("mysql-0", "mysql-1", "mysql-2")) {
      assertThat(jsonpath(pod, "{.status.containerStatuses[?(@.name==\"mysql\")].image}")).as(pod + " runs").isEqualTo(NEW_IMAGE);
      assertThat(jsonpath(pod, "{.status.containerStatuses[?(@.name==\"xtrabackup\")].image}")).isEqualTo(NEW_IMAGE);
      assertThat(Integer.parseInt(jsonpath(pod, "{.status.containerStatuses[?(@.name==\"mysql\")].restartCount}")))
          .as(pod + "'s mysql restarted on the new image").isGreaterThanOrEqualTo(1);
    }
    String events = kubectl.run("get", "events", "--field-selector", "involvedObject.kind=StatefulSet,involvedObject.name=mysql",
        "-o", "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}").ok().out();
    assertThat(events).contains("update Pod mysql-2 in StatefulSet mysql in place successful", "update Pod mysql-0 in StatefulSet mysql in place");
    sql(0, "INSERT INTO shop.messages VALUES ('after the image update')").ok();
    awaitRow(1, "after the image update");
    awaitRow(2, "after the image update");

    // 2. a change of command (the image's own CMD, spelled out): not only images, so recreated
    try (Watch watch = new Watch(ordinal.kubeconfig())) {
      long t = System.nanoTime();
      kubectl.run("patch", "statefulset", "mysql", "--type=json",
          "-p", "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/command\",\"value\":[\"mariadbd\"]}]").ok();
      kubectl.run("rollout", "status", "statefulset/mysql", "--timeout=300s").ok();
      System.out.printf("recreating rollout of 3 replicas: %.1f s%n", (System.nanoTime() - t) / 1e9);
      Thread.sleep(500);
      Map<String, String> after = identities();
      assertThat(after).containsOnlyKeys("mysql-0", "mysql-1", "mysql-2");
      for (String pod : after.keySet()) {
        assertThat(after.get(pod).split(" ")[0]).as(pod + " has a new uid").isNotEqualTo(before.get(pod).split(" ")[0]);
      }
      Set<String> oldUids = new java.util.HashSet<>();
      before.values().forEach(v -> oldUids.add(v.split(" ")[0]));
      assertThat(watch.orderOf(s -> oldUids.contains(s.uid()) && (s.deleting() || s.type().equals("DELETED"))))
          .as("recreation order (pod watch)").containsExactly("mysql-2", "mysql-1", "mysql-0");
    }
    sql(0, "INSERT INTO shop.messages VALUES ('after the command change')").ok();
    awaitRow(1, "after the command change");
    awaitRow(2, "after the command change");
  }
}
