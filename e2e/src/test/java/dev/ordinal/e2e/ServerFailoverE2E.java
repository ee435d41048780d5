package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.bench.ServerProcesses;
import dev.ordinal.client.HttpApiClient;
import dev.ordinal.client.Types;
import dev.ordinal.node.NodeAgent;
import dev.ordinal.node.sim.SimulatedRuntime;
import dev.ordinal.storage.etcd.LocalEtcd;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real {@code ordinal server} processes on a 3-member etcd (Debian's etcd-server on loopback):
 * one holds each leader Lease, kubectl sees the same objects through both, a server with other
 * secrets is refused; the leader is killed with SIGKILL, the other takes both Leases, a Deployment's
 * scale-up completes on a simulated node (an agent in this JVM whose client fails over between
 * the two servers), and the {@code kubernetes} Endpoints drop the dead server.
 */
class ServerFailoverE2E {
  private static final List<String> LEASES = List.of("kube-controller-manager", "kube-scheduler");
  @TempDir Path work;

  private static TreeSet<Integer> endpointPorts(Kubectl k) throws Exception {
    JsonNode ep = Json.parseObject(k.run("get", "endpoints", "kubernetes", "-o", "json").ok().out().getBytes(StandardCharsets.UTF_8));
    TreeSet<Integer> ports = new TreeSet<>();
    for (JsonNode s : ep.path("subsets")) {
      s.path("ports").forEach(p -> ports.add(p.path("port").asInt()));
    }
    return ports;
  }

  private static int port(ServerProcesses.Server s) throws Exception {
    return URI.create(s.url()).getPort();
  }

  private static int readyReplicas(HttpApiClient client, String name) {
    try {
      return client.get(Types.DEPLOYMENTS, "default", name).path("status").path("readyReplicas").asInt(0);
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** Runs another `ordinal` command in its own JVM; returns its stdout. */
  private static String ordinal(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "dev.ordinal.server.Main"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("ordinal " + String.join(" ", args)).isZero();
    return out;
  }

  @Test
  void leaderKilledOtherServerTakesOverAndWorkGoesOn() throws Exception {
    Assumptions.assumeTrue(LocalEtcd.available(), "needs Debian's etcd-server (" + LocalEtcd.BINARY + ")");
    try (LocalEtcd etcd = LocalEtcd.start(3); ServerProcesses cluster = new ServerProcesses(work, etcd.endpointList())) {
      ServerProcesses.Server a = cluster.start("a");
      // a server that made its own CA instead of copying the first's does not join
      ServerProcesses.Server stray = cluster.add("stray");
      assertThat(stray.launch(List.of())).isEqualTo(2);
      assertThat(stray.log()).contains("copy tls/ca.crt, tls/ca.key, sa.key and token");
      ServerProcesses.Server b = cluster.start("b");
      List<ServerProcesses.Server> both = List.of(a, b);
      HttpApiClient client = cluster.client();
      Kubectl ka = new Kubectl(a.kubeconfig(), work.resolve("cache-a"));
      Kubectl kb = new Kubectl(b.kubeconfig(), work.resolve("cache-b"));

      // exactly one server holds each Lease
      await().atMost(Duration.ofSeconds(30)).until(() -> LEASES.stream().allMatch(l -> !ServerProcesses.holder(client, l).isEmpty()));
      for (String lease : LEASES) {
        String holder = ServerProcesses.holder(client, lease);
        long holders = both.stream().filter(s -> {
          try {
            return s.holds(holder);
          } catch (java.io.IOException e) {
            return false;
          }
        }).count();
        assertThat(holders).as("servers holding " + lease).isEqualTo(1);
      }
      assertThat(kb.run("get", "lease", "-n", "kube-system", "-l", "apiserver.kubernetes.io/identity=kube-apiserver", "-o", "name")
          .ok().out().lines().count()).isEqualTo(2);

      // a join token made on one server pins the CA that every server serves: agents join through any of them
      String token = ordinal("token", "create", "--data-dir", b.dataDir().toString()).strip();
      for (ServerProcesses.Server s : both) {
        Process curl = new ProcessBuilder("curl", "-sk", s.url() + "/cacerts").start();
        String cacerts = new String(curl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(curl.waitFor()).isZero();
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(cacerts.getBytes(StandardCharsets.US_ASCII)));
        assertThat(token).startsWith("K10" + hash + "::");
      }

      // one store behind both
      ka.run("create", "configmap", "shared", "--from-literal=k=v").ok();
      assertThat(kb.run("get", "configmap", "shared", "-o", "jsonpath={.data.k}").ok().out()).isEqualTo("v");
      await().atMost(Duration.ofSeconds(20)).until(() -> endpointPorts(ka).equals(new TreeSet<>(List.of(port(a), port(b)))));

      NodeAgent node = new NodeAgent(client, "sim-1", new SimulatedRuntime());
      node.start();
      try {
        kb.run("create", "deployment", "web", "--image=nginx:1.27", "--replicas=1").ok();
        await().atMost(Duration.ofSeconds(60)).until(() -> readyReplicas(client, "web") == 1);

        ServerProcesses.Server leader = both.stream().filter(s -> {
          try {
            return s.holds(ServerProcesses.holder(client, LEASES.getFirst()));
          } catch (java.io.IOException e) {
            return false;
          }
        }).findFirst().orElseThrow();
        ServerProcesses.Server survivor = leader == a ? b : a;
        String old = ServerProcesses.holder(client, LEASES.getFirst());
        leader.kill();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> LEASES.stream().allMatch(l -> {
          String h = ServerProcesses.holder(client, l);
          return !h.isEmpty() && !h.equals(old);
        }));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.err.println("ServerFailoverE2E: leader killed → the other server holds both leases after " + ms + " ms");
        // the 15 s lease, counted from the last renewal the survivor saw (up to a 2 s retry period after it), plus its last retry
        assertThat(ms).isLessThan(20_000);
        assertThat(survivor.holds(ServerProcesses.holder(client, LEASES.getFirst()))).isTrue();

        Kubectl ks = survivor == a ? ka : kb;
        ks.run("scale", "deployment", "web", "--replicas=3").ok();
        await().atMost(Duration.ofSeconds(60)).until(() -> readyReplicas(client, "web") == 3);
        assertThat(client.server()).isEqualTo(survivor.url());
        // the dead server's identity Lease expires (15 s) and the survivor takes it out of the Endpoints
        int alive = port(survivor);
        await().atMost(Duration.ofSeconds(40)).until(() -> endpointPorts(ks).equals(new TreeSet<>(List.of(alive))));
        await().atMost(Duration.ofSeconds(10)).until(() -> ks.run("get", "endpointslice", "kubernetes", "-o", "jsonpath={.ports[0].port}")
            .ok().out().equals(Integer.toString(alive)));
        assertThat(ks.run("get", "lease", "-n", "kube-system", "-l", "apiserver.kubernetes.io/identity=kube-apiserver", "-o", "name")
            .ok().out().lines().count()).isEqualTo(1);
      } finally {
        node.close();
      }
    }
  }
}
