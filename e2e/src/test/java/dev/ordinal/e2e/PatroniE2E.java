package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patroni with the Kubernetes API as its store (examples/postgres-patroni.yaml) on real pods: a
 * leader and two replicas elected through Endpoints and pod labels that Patroni writes with its
 * own ServiceAccount, writes through the selector-less leader Service, synchronous replication,
 * and a failover when the leader's pod is deleted: a replica is promoted, the old leader comes
 * back as a replica, and no committed row is lost.
 */
class PatroniE2E extends RealPodsTestBase {
  static final String CTL = "/usr/bin/patronictl";

  @BeforeAll
  static void needsPatroni() {
    assumeTrue(Files.exists(Path.of("/usr/bin/patroni")) && Files.exists(Path.of(CTL)) && postgresInstalled(),
        "needs Debian's patroni and postgresql (./ordinal test installs them as root)");
  }

  static boolean postgresInstalled() {
    try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions.anyMatch(v -> Files.isExecutable(v.resolve("bin/postgres")));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * The example as written, its Role enforced; on a server without rbac.authorization.k8s.io (an
   * Ordinal before RBAC), without its Role and RoleBinding.
   */
  Path manifest() throws Exception {
    Path example = example("postgres-patroni.yaml");
    if (!kubectl.run("api-resources", "--api-group=rbac.authorization.k8s.io", "-o", "name").ok().out().isBlank()) {
      return example;
    }
    String kept = Arrays.stream(Files.readString(example).split("\n---\n"))
        .filter(doc -> !doc.lines().anyMatch(l -> l.equals("kind: Role") || l.equals("kind: RoleBinding")))
        .collect(Collectors.joining("\n---\n"));
    Path copy = work.resolve("postgres-patroni.yaml");
    Files.writeString(copy, kept);
    return copy;
  }

  /**
   * Patroni's view of the cluster: member → "Role State TL lag" ("Leader running 1 -",
   * "Sync Standby streaming 1 0", "Replica running 1 0").
   */
  Map<String, String> members() throws Exception {
    Map<String, String> members = new TreeMap<>();
    for (int i = 0; i < 3; i++) {
      Kubectl.Result r = kubectl.run("exec", "pg-" + i, "-c", "patroni", "--", CTL, "-c", "/etc/patroni/config.yml", "list", "-f", "json");
      if (r.exitCode() == 0) {
        for (JsonNode m : Json.MAPPER.readTree(r.out())) {
          String state = m.path("State").asText().equals("streaming") ? "running" : m.path("State").asText();
          members.put(m.path("Member").asText(), m.path("Role").asText() + " " + state + " " + m.path("TL").asText()
              + " " + (m.has("Lag in MB") ? m.path("Lag in MB").asText() : "-"));
        }
        return members;
      }
    }
    return members;
  }

  /** The pod Patroni labels as the leader (role=master up to Patroni 3, primary from 4). */
  String leader() throws Exception {
    String names = kubectl.run("get", "pods", "-l", "app=pg,role in (master,primary)", "-o", "name").ok().out().trim();
    return names.contains("\n") || names.isEmpty() ? "" : names.substring("pod/".length());
  }

  /** SQL on one member as its local postgres superuser (the socket, trust); the rows, unaligned. */
  Kubectl.Result sql(String pod, String statements) throws Exception {
    return kubectl.run("exec", pod, "-c", "patroni", "--", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statements);
  }

  /** SQL from a member's container to a Service, over the network with the superuser's password. */
  Kubectl.Result sqlVia(String pod, String service, String statement) throws Exception {
    return kubectl.run("exec", pod, "-c", "patroni", "--", "bash", "-c",
        "PGPASSWORD=$PATRONI_SUPERUSER_PASSWORD psql -X -q -A -t -h " + service + " -U postgres -c \"" + statement + "\"");
  }

  /** A leader, a synchronous standby and a replica, all running on one timeline, caught up, the leader labelled. */
  void awaitHealthyCluster() {
    await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Map<String, String> members = members();
      assertThat(members).as("patronictl list").hasSize(3);
      String timeline = members.values().stream().filter(v -> v.startsWith("Leader ")).findFirst().orElse("Leader ? ? -").split(" ")[2];
      assertThat(members.values()).as("patronictl list").containsExactlyInAnyOrder("Leader running " + timeline + " -",
          "Sync Standby running " + timeline + " 0", "Replica running " + timeline + " 0");
      assertThat(leader()).isNotEmpty();
    });
  }

  @Test
  void aLeaderFailsOverToItsSynchronousStandbyWithoutLosingACommit() throws Exception {
    kubectl.run("apply", "-f", manifest().toString()).ok();
    awaitHealthyCluster();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        kubectl.run("wait", "--for=condition=Ready", "pod/pg-0", "pod/pg-1", "pod/pg-2", "--timeout=20s").exitCode() == 0);

    // the keys Patroni keeps in the API, with its own ServiceAccount's token
    assertThat(kubectl.run("get", "endpoints", "pg", "-o", "jsonpath={.metadata.annotations.leader}").ok().out()).isEqualTo(leader());
    assertThat(kubectl.run("get", "endpoints", "pg-config", "-o", "jsonpath={.metadata.annotations.config}").ok().out())
        .containsPattern("\"synchronous_mode\": ?true");
    String old = leader();
    String leaderIp = kubectl.run("get", "pod", old, "-o", "jsonpath={.status.podIP}").ok().out();
    assertThat(kubectl.run("get", "endpoints", "pg", "-o", "jsonpath={.subsets[0].addresses[0].ip}").ok().out()).isEqualTo(leaderIp);
    List<String> replicas = new ArrayList<>(List.of("pg-0", "pg-1", "pg-2"));
    replicas.remove(old);

    sql(old, "CREATE TABLE orders (id int PRIMARY KEY, note text)").ok();
    assertThat(sql(old, "SELECT count(*) FROM pg_stat_replication WHERE sync_state = 'sync'").ok().out().trim()).isEqualTo("1");
    for (int i = 1; i <= 50; i++) {
      sql(old, "INSERT INTO orders VALUES (" + i + ", 'before')").ok();
    }
    // the leader Service has no selector: its one address is the one Patroni wrote
    assertThat(sqlVia(replicas.get(0), "pg", "SELECT pg_is_in_recovery()").ok().out().trim()).isEqualTo("f");
    assertThat(sqlVia(replicas.get(0), "pg", "INSERT INTO orders VALUES (51, 'through the Service') RETURNING id").ok().out().trim())
        .isEqualTo("51");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(sqlVia(old, "pg-replicas", "SELECT pg_is_in_recovery()").ok().out().trim()).isEqualTo("t"));
    Kubectl.Result refused = sql(replicas.get(1), "INSERT INTO orders VALUES (0, 'on a replica')");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).contains("read-only transaction");

    String oldUid = kubectl.run("get", "pod", old, "-o", "jsonpath={.metadata.uid}").ok().out();
    long deleted = System.nanoTime();
    kubectl.run("delete", "pod", old, "--wait=false").ok();
    String promoted = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (String candidate : replicas) {
        // a try whose answer was lost may still have committed: the retry must not fail on it
        if (sql(candidate, "INSERT INTO orders VALUES (52, 'after the failover') ON CONFLICT DO NOTHING").exitCode() == 0) {
          return candidate;
        }
      }
      return null;
    }, p -> p != null);
    System.out.printf("PatroniE2E: %s deleted, %s accepted a write after %d ms%n", old, promoted, (System.nanoTime() - deleted) / 1_000_000);
    await().atMost(Duration.ofSeconds(60)).until(() -> leader().equals(promoted));
    assertThat(sql(promoted, "SELECT count(*), max(id) FROM orders").ok().out().trim()).as("every committed row").isEqualTo("52|52");

    // the old leader's pod comes back with its claim and rejoins as a replica of the new one
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Kubectl.Result now = kubectl.run("get", "pod", old, "-o", "jsonpath={.metadata.uid}");
      return now.exitCode() == 0 && !now.out().isEmpty() && !now.out().equals(oldUid);
    });
    awaitHealthyCluster();
    assertThat(members().get(old)).as("the old leader follows").doesNotStartWith("Leader");
    assertThat(leader()).isEqualTo(promoted);
    String newIp = kubectl.run("get", "pod", promoted, "-o", "jsonpath={.status.podIP}").ok().out();
    assertThat(kubectl.run("get", "endpoints", "pg", "-o", "jsonpath={.subsets[0].addresses[0].ip}").ok().out()).isEqualTo(newIp);
    sql(promoted, "INSERT INTO orders VALUES (53, 'with the old leader back')").ok();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(sql(old, "SELECT count(*), max(id), pg_is_in_recovery() FROM orders").ok().out().trim()).isEqualTo("53|53|t"));
    assertThat(sqlVia(old, "pg", "SELECT count(*) FROM orders").ok().out().trim()).as("the Service follows the leader").isEqualTo("53");
  }
}
