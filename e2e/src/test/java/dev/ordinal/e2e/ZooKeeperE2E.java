package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seed's ZooKeeper ensemble (examples/zookeeper.yaml) on real pods, with the seed's own storage
 * (examples/zookeeper-local-pvs.yaml: a PV per member pinned by node affinity): all three members Ready
 * with a quorum, each on its own PV, a write on one read on another, a member deleted and back with its id and data
 * while the others keep serving, ZooKeeper's own log on the console ({@code kubectl logs}); kubectl
 * drain under a PodDisruptionBudget taking one member only.
 */
class ZooKeeperE2E extends RealPodsTestBase {
  static final String CLI = "/usr/share/zookeeper/bin/zkCli.sh";

  @BeforeAll
  static void needsZooKeeper() {
    assumeTrue(Files.exists(Path.of(CLI)), "needs Debian's zookeeper (./ordinal test installs it as root)");
  }

  static Path example() {
    return example("zookeeper.yaml");
  }

  static String[] zkArgs(int member, String... command) {
    String[] args = new String[6 + command.length];
    System.arraycopy(new String[] {"exec", "zk-" + member, "-c", "zookeeper", "--", CLI}, 0, args, 0, 6);
    System.arraycopy(command, 0, args, 6, command.length);
    return args;
  }

  String zk(int member, String... command) throws Exception {
    Kubectl.Result r = kubectl.run(zkArgs(member, command)).ok();
    return r.out() + r.err(); // zkCli prints its results on stderr
  }

  /** As {@link #zk}, without failing when zkCli does (no quorum yet): what it printed. */
  String zkOnce(int member, String... command) throws Exception {
    Kubectl.Result r = kubectl.run(zkArgs(member, command));
    return r.out() + r.err();
  }

  /** Seed 000's storage (a hand-made PV per member, pinned to the node by its labels) and the ensemble, all Ready. */
  void deployEnsemble() throws Exception {
    Path pvs = work.resolve("zookeeper-local-pvs.yaml");
    Files.writeString(pvs, Files.readString(example("zookeeper-local-pvs.yaml")).replace("/var/lib/ordinal-examples", work.resolve("zk").toString()));
    kubectl.run("label", "node", "--all", "--overwrite", "zk0=yes", "zk1=yes", "zk2=yes").ok();
    kubectl.run("apply", "-f", pvs.toString()).ok();
    kubectl.run("apply", "-f", example().toString()).ok();
    await().atMost(Duration.ofSeconds(180)).until(() ->
        kubectl.run("wait", "--for=condition=Ready", "pod/zk-0", "pod/zk-1", "pod/zk-2", "--timeout=20s").exitCode() == 0);
    // ZooKeeper's own log on the console, as the official image has it (not SLF4J's no-op notice alone)
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(kubectl.run("logs", "zk-0", "-c", "zookeeper").ok().out())
        .contains("binding to port").containsPattern("LEADING|FOLLOWING").doesNotContain("no-operation (NOP) logger"));
  }

  @Test
  void anEnsembleThatKeepsItsMembersAndItsData() throws Exception {
    deployEnsemble();
    assertThat(kubectl.run("get", "pvc", "data-zk-1", "-o", "jsonpath={.spec.volumeName}").ok().out()).isEqualTo("pv-zk-1");
    assertThat(Files.readString(work.resolve("zk/zk-1/myid"))).as("zk-1's id, on its PV's directory").isEqualTo("2\n");
    assertThat(zk(0, "create", "/x", "hello")).contains("Created /x");
    assertThat(zk(2, "get", "/x")).contains("hello");

    String uid = kubectl.run("get", "pod", "zk-1", "-o", "jsonpath={.metadata.uid}").ok().out();
    kubectl.run("delete", "pod", "zk-1", "--wait=false").ok();
    assertThat(zk(2, "get", "/x")).as("two members still serve").contains("hello");
    // the same name comes back at once, so wait for a new pod rather than for the name to go
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      Kubectl.Result now = kubectl.run("get", "pod", "zk-1", "-o", "jsonpath={.metadata.uid}");
      return now.exitCode() == 0 && !now.out().isEmpty() && !now.out().equals(uid);
    });
    await().atMost(Duration.ofSeconds(120)).until(() ->
        kubectl.run("wait", "--for=condition=Ready", "pod/zk-1", "--timeout=20s").exitCode() == 0);
    assertThat(kubectl.run("exec", "zk-1", "-c", "zookeeper", "--", "cat", "/var/lib/zookeeper/myid").ok().out()).isEqualTo("2\n");
    assertThat(zk(1, "get", "/x")).contains("hello");
  }

  /**
   * Issue 11: kubectl drain of the node under a budget of maxUnavailable 1 evicts one member, then
   * reports the budget and waits; the other two keep the quorum; after uncordon the member returns
   * with its id and data.
   */
  @Test
  void drainEvictsOneMemberAndTheEnsembleKeepsItsQuorum() throws Exception {
    deployEnsemble();
    // Ready is the member's own check; the ensemble may still be electing a leader (ConnectionLoss)
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(zk(0, "create", "/drain", "kept")).containsAnyOf("Created /drain", "Node already exists"));
    if (kubectl.run("get", "pdb", "zk-pdb").exitCode() != 0) {
      kubectl.run("create", "pdb", "zk-pdb", "--selector=app=zk", "--max-unavailable=1").ok();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pdb", "zk-pdb").ok().out()).containsPattern("zk-pdb\\s+N/A\\s+1\\s+1\\s+"));
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
    java.util.Map<String, String> uids = new java.util.HashMap<>();
    for (int i = 0; i < 3; i++) {
      uids.put("zk-" + i, kubectl.run("get", "pod", "zk-" + i, "-o", "jsonpath={.metadata.uid}").ok().out());
    }
    String evicted;
    try {
      Kubectl.Result drain = kubectl.run("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=40s");
      String all = drain.out() + drain.err();
      assertThat(drain.exitCode()).as(all).isNotZero();
      assertThat(all).contains("Cannot evict pod as it would violate the pod's disruption budget.");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("pod/(zk-[0-2]) evicted").matcher(all);
      assertThat(m.find()).as(all).isTrue();
      evicted = m.group(1);
      assertThat(m.find()).as("only one member goes: " + all).isFalse();
      int gone = evicted.charAt(3) - '0';
      // the two others still make a quorum: they serve reads and writes. When the member that went
      // was the leader, they first elect a new one, which ZooKeeper's back-off of notifications to
      // an unreachable peer can stretch past the drain's 40 s; so wait for it, as a client would.
      int other = (gone + 1) % 3;
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() ->
          assertThat(zkOnce(other, "get", "/drain")).contains("kept"));
      assertThat(zk((gone + 2) % 3, "set", "/drain", "still-kept")).doesNotContain("Exception");
    } finally {
      kubectl.run("uncordon", node).ok();
    }
    String member = evicted;
    String before = uids.get(member);
    await().atMost(Duration.ofSeconds(180)).until(() -> {
      Kubectl.Result now = kubectl.run("get", "pod", member, "-o", "jsonpath={.metadata.uid}");
      return now.exitCode() == 0 && !now.out().isEmpty() && !now.out().equals(before)
          && kubectl.run("wait", "--for=condition=Ready", "pod/" + member, "--timeout=20s").exitCode() == 0;
    });
    int n = member.charAt(3) - '0';
    assertThat(kubectl.run("exec", member, "-c", "zookeeper", "--", "cat", "/var/lib/zookeeper/myid").ok().out())
        .isEqualTo((n + 1) + "\n");
    assertThat(zk(n, "get", "/drain")).contains("still-kept");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pdb", "zk-pdb").ok().out()).containsPattern("zk-pdb\\s+N/A\\s+1\\s+1\\s+"));
    kubectl.run("delete", "pdb", "zk-pdb").ok();
  }

  /**
   * Issue 17: ordinal 1 reserved (and the count brought to 2) takes zk-1 out without renumbering:
   * zk-0 and zk-2 keep their pods, ids and data, and the two still serve; freed again, zk-1 returns
   * on its own claim with its id.
   */
  @Test
  void aReservedOrdinalTakesOneMemberOutAndTheOthersKeepTheirIdentities() throws Exception {
    deployEnsemble();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(zk(0, "create", "/reserved", "kept")).containsAnyOf("Created /reserved", "Node already exists"));
    String uid0 = kubectl.run("get", "pod", "zk-0", "-o", "jsonpath={.metadata.uid}").ok().out();
    String uid2 = kubectl.run("get", "pod", "zk-2", "-o", "jsonpath={.metadata.uid}").ok().out();

    kubectl.run("patch", "statefulset", "zk", "--type=merge", "-p",
        "{\"metadata\":{\"annotations\":{\"apps.ordinal.dev/reserve-ordinals\":\"1\"}},\"spec\":{\"replicas\":2}}").ok();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pods", "-l", "app=zk", "-o", "jsonpath={.items[*].metadata.name}").ok().out()).isEqualTo("zk-0 zk-2"));
    assertThat(kubectl.run("get", "pod", "zk-0", "-o", "jsonpath={.metadata.uid}").ok().out()).isEqualTo(uid0);
    assertThat(kubectl.run("get", "pod", "zk-2", "-o", "jsonpath={.metadata.uid}").ok().out()).isEqualTo(uid2);
    assertThat(kubectl.run("exec", "zk-2", "-c", "zookeeper", "--", "cat", "/var/lib/zookeeper/myid").ok().out()).isEqualTo("3\n");
    assertThat(zk(2, "get", "/reserved")).as("two of three members keep the quorum").contains("kept");
    assertThat(kubectl.run("get", "statefulset", "zk", "-o", "jsonpath={.status.replicas} {.status.readyReplicas}").ok().out())
        .isEqualTo("2 2");
    Kubectl.Result bad = kubectl.run("annotate", "--overwrite", "statefulset", "zk", "apps.ordinal.dev/reserve-ordinals=one");
    assertThat(bad.exitCode()).isNotZero();
    assertThat(bad.err()).contains("metadata.annotations[apps.ordinal.dev/reserve-ordinals]");

    kubectl.run("patch", "statefulset", "zk", "--type=merge", "-p",
        "{\"metadata\":{\"annotations\":{\"apps.ordinal.dev/reserve-ordinals\":null}},\"spec\":{\"replicas\":3}}").ok();
    await().atMost(Duration.ofSeconds(120)).until(() ->
        kubectl.run("wait", "--for=condition=Ready", "pod/zk-1", "--timeout=20s").exitCode() == 0);
    assertThat(kubectl.run("exec", "zk-1", "-c", "zookeeper", "--", "cat", "/var/lib/zookeeper/myid").ok().out()).isEqualTo("2\n");
    assertThat(kubectl.run("get", "pod", "zk-2", "-o", "jsonpath={.metadata.uid}").ok().out()).isEqualTo(uid2);
  }
}
