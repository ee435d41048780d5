package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Container logs rotate as kubelet's do (10 Mi, 5 files, the defaults of `ordinal up`): a pod
 * that writes 100 MB keeps at most 5 files on disk, each about 10 MB, and {@code kubectl logs}
 * reads across the rotation and shows the newest lines.
 */
class LogRotationE2E extends RealPodsTestBase {
  static final long MAX = 10L * 1024 * 1024;

  @Test
  void aChattyPodKeepsFiveFilesAndLogsShowsTheNewestLines() throws Exception {
    // 100 MB at about 4 MB/s, lines of 999 characters, then a last line
    kubectl.apply(work, "chatty.yaml", """
        apiVersion: v1
        kind: Pod
        metadata:
          name: chatty
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: debian
            command: ["bash", "-c", "for i in $(seq 1 100); do head -c 1000000 /dev/zero | tr '\\\\0' a | fold -w 999; echo; sleep 0.25; done; echo LAST-LINE; sleep 3600"]
        """).ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/chatty", "--timeout=90s").ok();
    String uid = kubectl.run("get", "pod", "chatty", "-o", "jsonpath={.metadata.uid}").ok().out();
    Path run = work.resolve("data/pods").resolve(uid).resolve("containers/main/0");
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
        assertThat(kubectl.run("logs", "chatty", "--tail=1").ok().out().strip()).isEqualTo("LAST-LINE"));
    List<Path> logs;
    try (Stream<Path> files = Files.list(run)) {
      logs = files.filter(f -> f.getFileName().toString().startsWith("container.log")).toList();
    }
    assertThat(logs).as("the current log and at most 4 rotated ones").hasSizeBetween(2, 5);
    long total = 0;
    for (Path f : logs) {
      long size = Files.size(f);
      total += size;
      // rotation runs once a second: a file passes 10 Mi by at most what a second writes (~4.2 MB here)
      assertThat(size).as(f.getFileName().toString()).isLessThan(MAX + 5_000_000);
    }
    assertThat(total).as("on disk, of the 100 MB written").isLessThan(5 * (MAX + 5_000_000));
    // kubectl logs reads the rotated files and the current one, oldest first, the newest line last
    String all = kubectl.run("logs", "chatty").ok().out();
    assertThat(all.length()).as("what kubectl logs shows").isGreaterThan(30_000_000).isLessThan(80_000_000);
    assertThat(all.strip()).endsWith("LAST-LINE");
    assertThat(kubectl.run("logs", "chatty", "--tail=3").ok().out().lines().toList()).hasSize(3).last().isEqualTo("LAST-LINE");
  }
}
