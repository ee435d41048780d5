package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Everyday kubectl commands that need a node and pods, on `ordinal up --runtime simulated`:
 * draining a node, replacing a Service from its manifest.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class KubectlSimulatedE2E extends OrdinalE2ETestBase {
  @Test
  void drainDeletesTheNodesPodsAndUnservedSubresourcesAreNotFound() throws Exception {
    String node = kubectl.run("get", "nodes", "-o", "jsonpath={.items[0].metadata.name}").ok().out().trim();
    kubectl.run("run", "lone", "--image=nginx").ok();
    kubectl.run("wait", "--for=condition=Ready", "pod/lone", "--timeout=60s").ok();

    // an unserved subresource is a clean 404, whatever the body (kubectl sends this one as JSON)
    Path eviction = work.resolve("eviction.json");
    Files.writeString(eviction, """
        {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"lone","namespace":"default"}}""");
    Kubectl.Result evict = kubectl.run("create", "--raw", "/api/v1/namespaces/default/pods/lone/eviction", "-f", eviction.toString());
    assertThat(evict.exitCode()).isNotZero();
    assertThat(evict.err()).contains("the server could not find the requested resource").doesNotContain("JSON");

    // no pods/eviction in discovery: kubectl drain deletes the pods, with protobuf DeleteOptions
    Kubectl.Result drain = kubectl.run("drain", node, "--force", "--grace-period=0", "--timeout=60s");
    try {
      assertThat(drain.exitCode()).as(drain.err()).isZero();
      assertThat(drain.out()).contains("node/" + node + " cordoned", "pod/lone deleted", "node/" + node + " drained");
      assertThat(drain.err()).doesNotContain("not valid JSON");
      assertThat(kubectl.run("get", "pod", "lone").err()).contains("pods \"lone\" not found");
      assertThat(kubectl.run("get", "node", node).ok().out()).contains("SchedulingDisabled");
    } finally {
      kubectl.run("uncordon", node).ok();
    }
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
