package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Everyday kubectl commands that need a node and pods, on `ordinal up --runtime simulated`:
 * draining a node under a PodDisruptionBudget, evicting, replacing a Service from its manifest.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class KubectlSimulatedE2E extends OrdinalE2ETestBase {
  static final String ZK = """
      apiVersion: apps/v1
      kind: StatefulSet
      metadata:
        name: zk
      spec:
        serviceName: zk-hs
        replicas: 3
        podManagementPolicy: Parallel
        selector:
          matchLabels:
            app: zk
        template:
          metadata:
            labels:
              app: zk
          spec:
            terminationGracePeriodSeconds: 1
            containers:
            - name: zk
              image: zookeeper:3.9
      """;

  /**
   * kubectl drain evicts through pods/eviction (discovery lists it) and honours a budget of
   * maxUnavailable 1 over a 3-replica StatefulSet: one pod goes, the others are refused with the
   * budget's message and retried until drain's timeout; after uncordon the replica returns.
   */
  @Test
  void drainHonoursTheDisruptionBudget() throws Exception {
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
    kubectl.apply(work, "zk.yaml", ZK).ok();
    kubectl.run("rollout", "status", "statefulset/zk", "--timeout=60s").ok();
    Kubectl.Result created = kubectl.run("create", "pdb", "zk-pdb", "--selector=app=zk", "--max-unavailable=1");
    assertThat(created.ok().out()).contains("poddisruptionbudget.policy/zk-pdb created");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(kubectl.run("get", "pdb").ok().out())
        .containsPattern("NAME\\s+MIN AVAILABLE\\s+MAX UNAVAILABLE\\s+ALLOWED DISRUPTIONS\\s+AGE")
        .containsPattern("zk-pdb\\s+N/A\\s+1\\s+1\\s+"));
    assertThat(kubectl.run("describe", "pdb", "zk-pdb").ok().out()).containsPattern("Max unavailable:\\s+1\n")
        .containsPattern("Selector:\\s+app=zk\n").containsPattern("Allowed disruptions:\\s+1\n").containsPattern("Total:\\s+3\n");
    assertThat(kubectl.run("explain", "pdb.spec.maxUnavailable").ok().out()).contains("KIND:       PodDisruptionBudget",
        "FIELD: maxUnavailable <");

    Kubectl.Result drain;
    try {
      drain = kubectl.run("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=20s");
      String all = drain.out() + drain.err();
      assertThat(drain.exitCode()).as(all).isNotZero();
      assertThat(all).contains("node/" + node + " cordoned", "evicting pod default/zk-")
          .contains("Cannot evict pod as it would violate the pod's disruption budget.")
          .contains("(will retry after 5s)")
          .doesNotContain("deleted");
      assertThat(all.split("evicted", -1)).as(all).hasSize(2); // exactly one pod went
      // the replacement waits for a schedulable node; the budget allows nothing meanwhile
      assertThat(kubectl.run("get", "pdb", "zk-pdb").ok().out()).containsPattern("zk-pdb\\s+N/A\\s+1\\s+0\\s+");
    } finally {
      kubectl.run("uncordon", node).ok();
    }
    kubectl.run("rollout", "status", "statefulset/zk", "--timeout=60s").ok();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(kubectl.run("get", "pdb", "zk-pdb").ok().out())
        .containsPattern("zk-pdb\\s+N/A\\s+1\\s+1\\s+"));
    assertThat(kubectl.run("get", "pods", "-l", "app=zk", "--no-headers").ok().out().lines()
        .filter(l -> l.contains("Running")).count()).isEqualTo(3);
    kubectl.run("delete", "pdb", "zk-pdb").ok();
    kubectl.run("delete", "statefulset", "zk").ok();
  }

  /** What the budget-free eviction does, whatever the body (kubectl create --raw sends JSON). */
  @Test
  void evictionWithoutABudgetDeletesThePod() throws Exception {
    kubectl.run("run", "lone", "--image=nginx").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/lone", "--timeout=60s").ok();
    Path eviction = work.resolve("eviction.json");
    Files.writeString(eviction, """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"lone","namespace":"default"}}""");
    Kubectl.Result evict = kubectl.run("create", "--raw", "/api/v1/namespaces/default/pods/lone/eviction", "-f", eviction.toString());
    assertThat(evict.exitCode()).as(evict.err()).isZero();
    assertThat(evict.out()).contains("\"status\":\"Success\"");
    kubectl.run("wait", "--for=delete", "pod/lone", "--timeout=30s").ok();
  }

  static final String SERVICE = """
      apiVersion: v1
      kind: Service
      metadata:
        name: db
      spec:
        selector:
          app: db
        ports:
        - port: 5432
      """;

  static final String EXTERNAL = """
      apiVersion: v1
      kind: Service
      metadata:
        name: db
      spec:
        type: ExternalName
        externalName: db.example.com
      """;

  @Test
  void replaceFromAManifestWithoutClusterIpKeepsTheAddress() throws Exception {
    Path svc = work.resolve("db.yaml");
    Path ext = work.resolve("db-external.yaml");
    Files.writeString(svc, SERVICE);
    Files.writeString(ext, EXTERNAL);
    kubectl.run("create", "-f", svc.toString()).ok();
    String ip = clusterIp();
    assertThat(ip).startsWith("10.96.");

    assertThat(kubectl.run("replace", "-f", svc.toString()).ok().out()).contains("service/db replaced");
    assertThat(clusterIp()).isEqualTo(ip);

    // to ExternalName: no address (the table shows <none>)
    kubectl.run("replace", "-f", ext.toString()).ok();
    assertThat(kubectl.run("get", "svc", "db").ok().out()).containsPattern("db\\s+ExternalName\\s+<none>\\s+db.example.com");
    assertThat(clusterIp()).isEmpty();

    // and back: an address again
    kubectl.run("replace", "-f", svc.toString()).ok();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(clusterIp()).startsWith("10.96."));

    // an address once set does not change
    Files.writeString(svc, SERVICE.replace("spec:\n", "spec:\n  clusterIP: 10.96.200.200\n"));
    Kubectl.Result changed = kubectl.run("replace", "-f", svc.toString());
    assertThat(changed.exitCode()).isNotZero();
    assertThat(changed.err()).contains("spec.clusterIPs[0]: Invalid value: []string{\"10.96.200.200\"}: may not change once set");
    kubectl.run("delete", "svc", "db").ok();
  }

  private static String clusterIp() throws Exception {
    return kubectl.run("get", "svc", "db", "-o", "jsonpath={.spec.clusterIP}").ok().out().trim();
  }
}
