package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real pod's life as kubelet tells it — `kubectl get pods -w` shows ContainerCreating then
 * Running, `kubectl get events` lists Scheduled, Pulled, Created, Started and Killing in kubelet's
 * words — and that nothing of a pod outlives it on the host, even when Ordinal is stopped right
 * after the deletion, and that a start removes what pods that are gone left behind.
 */
class PodLifecycleE2E extends RealPodsTestBase {
  @BeforeAll
  static void createNamespace() throws Exception {
    kubectl.run("create", "namespace", "life").ok();
  }

  String k(String... args) throws Exception {
    String[] full = new String[args.length + 2];
    full[0] = "-n";
    full[1] = "life";
    System.arraycopy(args, 0, full, 2, args.length);
    return kubectl.run(full).ok().out();
  }

  static String pod(String name, String image, String command) {
    return """
        apiVersion: v1
        kind: Pod
        metadata:
          name: %s
          namespace: life
        spec:
          terminationGracePeriodSeconds: 3
          containers:
          - name: main
            image: %s
        %s""".formatted(name, image, command);
  }

  @Test
  void eventsAndStatusesReadAsKubeletWritesThem() throws Exception {
    List<String> statuses = new CopyOnWriteArrayList<>();
    Process watch = kubectl.start("-n", "life", "get", "pods", "-w", "--no-headers");
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(watch.getInputStream()))) {
        for (String line; (line = lines.readLine()) != null; ) {
          String[] columns = line.trim().split("\\s+");
          if (columns.length > 2 && columns[0].equals("ev")) {
            statuses.add(columns[2]);
          }
        }
      } catch (java.io.IOException e) {
        // the watch was stopped
      }
    });
    try {
      Thread.sleep(1000); // the watch is listening
      kubectl.apply(work, "ev.yaml", pod("ev", "nginx:1.27", "")).ok();
      k("wait", "--for=condition=Ready", "pod/ev", "--timeout=60s");
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.contains("Running"));
    } finally {
      watch.destroy();
      reader.join(5000);
    }
    assertThat(statuses).as("kubectl get pods -w").contains("ContainerCreating");
    assertThat(statuses.indexOf("ContainerCreating")).isLessThan(statuses.indexOf("Running"));

    String uid = k("get", "pod", "ev", "-o", "jsonpath={.metadata.uid}");
    k("delete", "pod", "ev", "--timeout=60s");
    await().atMost(Duration.ofSeconds(10)).until(() -> k("get", "events", "--field-selector", "involvedObject.name=ev",
        "-o", "jsonpath={.items[*].reason}").contains("Killing"));
    // event names grow with time (as upstream's), so by name is the order they were recorded in
    String events = k("get", "events", "--field-selector", "involvedObject.name=ev", "--sort-by=.metadata.name",
        "-o", "jsonpath={range .items[*]}{.reason}|{.message}|{.involvedObject.fieldPath}{\"\\n\"}{end}");
    assertThat(events.lines().toList()).containsExactly(
        "Scheduled|Successfully assigned life/ev to " + k("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}") + "|",
        "Pulled|Container image \"nginx:1.27\" already present on machine (host image)|spec.containers{main}",
        "Created|Created container: main|spec.containers{main}",
        "Started|Started container main|spec.containers{main}",
        "Killing|Stopping container main|spec.containers{main}");
    assertThat(HostLeftovers.of(work.resolve("data"), uid)).as("what the deleted pod left").isEmpty();
  }

  @Test
  void nothingIsLeftOfAPodDeletedRightBeforeOrdinalStopsAndAStartRemovesWhatGonePodsLeft() throws Exception {
    Path data = work.resolve("data");
    kubectl.apply(work, "quick.yaml", pod("quick", "busybox", "    command: [\"sleep\", \"3600\"]\n")).ok();
    k("wait", "--for=condition=Ready", "pod/quick", "--timeout=60s");
    String uid = k("get", "pod", "quick", "-o", "jsonpath={.metadata.uid}");
    String gone = UUID.randomUUID().toString();
    String orphan = UUID.randomUUID().toString();
    String stranger = UUID.randomUUID().toString();
    try {
      // sleep ignores SIGTERM: the stop has to wait out the grace period, then kill it
      k("delete", "pod", "quick", "--wait=false");
      ordinal.stop(false);
      assertThat(HostLeftovers.of(data, uid)).as("what a pod deleted just before the stop left").isEmpty();

      // while Ordinal is down: what a crash leaves of a pod that is gone (its directory, network
      // namespace, address and cgroups), an empty cgroup of a pod nobody knows, and another
      // instance's network namespace, which is none of this data directory's business
      Files.createDirectories(data.resolve("pods").resolve(gone));
      HostLeftovers.run("ip", "netns", "add", "ordinal-" + gone);
      Files.writeString(data.resolve("cni").resolve("ordinal").resolve("10.88.255.250"), gone + "\r\neth0");
      for (Path h : HostLeftovers.cgroupHierarchies()) {
        Files.createDirectories(h.resolve("ordinal").resolve(gone).resolve("main-0"));
        Files.createDirectories(h.resolve("ordinal").resolve(orphan));
      }
      HostLeftovers.run("ip", "netns", "add", "ordinal-" + stranger);
      assertThat(HostLeftovers.of(data, gone)).hasSizeGreaterThanOrEqualTo(4);
    } finally {
      ordinal.start();
    }
    try {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(HostLeftovers.of(data, gone)).as("leftovers of a pod that is gone").isEmpty();
        assertThat(HostLeftovers.of(data, orphan)).as("an empty cgroup of a pod that is gone").isEmpty();
      });
      assertThat(Files.exists(Path.of("/run/netns/ordinal-" + stranger))).as("another instance's namespace is left alone").isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> k("get", "pods", "-o", "name").isBlank());
      assertThat(HostLeftovers.of(data, uid)).isEmpty();
    } finally {
      HostLeftovers.run("ip", "netns", "delete", "ordinal-" + stranger);
      for (Path h : HostLeftovers.cgroupHierarchies()) {
        for (Path d : List.of(h.resolve("ordinal").resolve(gone).resolve("main-0"), h.resolve("ordinal").resolve(gone),
            h.resolve("ordinal").resolve(orphan))) {
          d.toFile().delete(); // rmdir; already gone when the test passed
        }
      }
    }
  }
}
