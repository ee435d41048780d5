package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seeds' MySQL primary/replica StatefulSet on MariaDB (examples/mariadb.yaml), on real pods:
 * rows written on the primary reach every replica, replicas refuse writes, a fourth member clones
 * from the third and catches up, a deleted member comes back replicating, reads through
 * mysql-read reach every member, and the data outlives deleting and re-applying the manifest.
 */
class MariaDbE2E extends RealPodsTestBase {
  @BeforeAll
  static void needsMariaDb() {
    assumeTrue(Stream.of("/usr/sbin/mariadbd", "/usr/bin/mariabackup", "/usr/bin/ncat").allMatch(p -> Files.exists(Path.of(p))),
        "needs Debian's mariadb-server, mariadb-backup and ncat (./ordinal test installs them as root)");
  }

  static Path example() {
    return example("mariadb.yaml");
  }

  /** Runs SQL on one member as its local root; returns the rows, tab-separated, without headers. */
  static Kubectl.Result sql(int member, String statements) throws Exception {
    return kubectl.run("exec", "mysql-" + member, "-c", "mysql", "--", "mariadb", "-N", "-e", statements);
  }

  static void awaitReady(String... pods) {
    await().atMost(Duration.ofSeconds(240)).until(() -> {
      String[] args = Stream.concat(Stream.of("wait", "--for=condition=Ready", "--timeout=20s"), Stream.of(pods).map(p -> "pod/" + p))
          .toArray(String[]::new);
      return kubectl.run(args).exitCode() == 0;
    });
  }

  static void awaitRow(int member, String message) {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(sql(member, "SELECT message FROM shop.messages").out()).as("rows on mysql-" + member).contains(message + "\n"));
  }

  @Test
  void aPrimaryWithReplicasThatCloneReplicateAndKeepTheirData() throws Exception {
    kubectl.run("apply", "-f", example().toString()).ok();
    awaitReady("mysql-0", "mysql-1", "mysql-2");

    sql(0, "CREATE DATABASE shop; CREATE TABLE shop.messages (message VARCHAR(250)); INSERT INTO shop.messages VALUES ('hello')").ok();
    awaitRow(1, "hello");
    awaitRow(2, "hello");
    Kubectl.Result refused = sql(1, "INSERT INTO shop.messages VALUES ('on a replica')");
    assertThat(refused.exitCode()).as("a write on a replica").isNotZero();
    assertThat(refused.err()).contains("read-only");

    kubectl.run("scale", "statefulset", "mysql", "--replicas=4").ok();
    awaitReady("mysql-3");
    assertThat(kubectl.run("logs", "mysql-3", "-c", "clone-mysql").ok().out())
        .as("mysql-3 clones from the member before it").contains("mysql-2.mysql 3307");
    awaitRow(3, "hello");
    sql(0, "INSERT INTO shop.messages VALUES ('after the scale-up')").ok();
    awaitRow(3, "after the scale-up");

    kubectl.run("delete", "pod", "mysql-1").ok();
    awaitReady("mysql-1");
    awaitRow(1, "after the scale-up");
    sql(0, "INSERT INTO shop.messages VALUES ('after the restart')").ok();
    awaitRow(1, "after the restart");

    // 40 connections through the read Service from inside the cluster: every member answers some
    String ids = kubectl.run("exec", "mysql-0", "-c", "mysql", "--", "bash", "-c",
        "for i in $(seq 40); do mariadb -h mysql-read -N -e 'SELECT @@server_id'; done").ok().out();
    Set<String> seen = new TreeSet<>(ids.lines().toList());
    assertThat(seen).containsExactly("100", "101", "102", "103");

    kubectl.run("delete", "-f", example().toString(), "--wait=true", "--timeout=120s").ok();
    await().atMost(Duration.ofSeconds(120)).until(() -> kubectl.run("get", "pods", "-l", "app=mysql", "-o", "name").out().isBlank());
    assertThat(kubectl.run("get", "pvc", "-o", "name").ok().out())
        .contains("data-mysql-0", "data-mysql-1", "data-mysql-2", "data-mysql-3");
    kubectl.run("apply", "-f", example().toString()).ok();
    awaitReady("mysql-0", "mysql-1", "mysql-2");
    awaitRow(0, "after the restart");
    sql(0, "INSERT INTO shop.messages VALUES ('after the re-apply')").ok();
    awaitRow(2, "after the re-apply");
  }
}
