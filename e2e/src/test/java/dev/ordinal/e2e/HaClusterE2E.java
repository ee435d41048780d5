package dev.ordinal.e2e;

import static dev.ordinal.e2e.MultiNodeE2E.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ordinal.storage.etcd.LocalEtcd;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole multi-host shape at once, every process in a host of its own ({@link NetnsCluster}):
 * a 3-member etcd (Debian's etcd-server, hosts e1…e3), two {@code ordinal server}s (s1, s2) and
 * three {@code ordinal agent}s (h1…h3) naming both servers, and a client host (c1) whose kubectl
 * knows the servers by one name with both addresses. A StatefulSet spread over the agents; one
 * etcd member killed → writes go on; the leading server killed → the other holds both Leases, the
 * StatefulSet's scale-up runs, and kubectl through the shared name keeps working while a
 * kubeconfig naming the dead server does not; all of etcd stopped and started again → the API
 * answers again with every object, a watch opened before carries on, and no pod was touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(HaClusterE2E.Report.class)
class HaClusterE2E {
  private static final List<String> LEASES = List.of("kube-controller-manager", "kube-scheduler");
  /** The name the client host knows both servers by (its own /etc/hosts, through {@code ip netns exec}). */
  private static final String API_NAME = "api." + NetnsLeftovers.PREFIX + ".test";
  private static final String CLIENT = "c1";

  @TempDir static Path work;
  static NetnsCluster cluster;
  static LocalEtcd etcd;
  static Kubectl kubectl;
  /** kubectl on the client host, through {@link #API_NAME}. */
  static Kubectl client;
  static int leader;
  static int survivor;

  private static final String STATEFULSET = """
      apiVersion: v1
      kind: Service
      metadata: {name: web}
      spec: {clusterIP: None, selector: {app: web}, ports: [{port: 80}]}
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: web}
      spec:
        serviceName: web
        replicas: 3
        podManagementPolicy: Parallel
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            terminationGracePeriodSeconds: 1
            topologySpreadConstraints:
            - {maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
            containers:
            - name: c
              image: busybox
              command: [sleep, "3600"]
      """;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(HostLeftovers.canRunContainers(), "needs root with runc, conmon, the CNI plugins and busybox");
    assumeTrue(LocalEtcd.available(), "needs Debian's etcd-server (" + LocalEtcd.BINARY + ")");
    cluster = new NetnsCluster(work);
    List<LocalEtcd.Placement> members = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      cluster.addHost("e" + i, NetnsCluster.etcdIp(i));
      members.add(new LocalEtcd.Placement(NetnsCluster.etcdIp(i), 2379, 2380, NetnsCluster.on("e" + i)));
    }
    etcd = LocalEtcd.start(Files.createDirectories(work.resolve("etcd")), members);
    cluster.startServers(etcd.endpointList(), 2);
    kubectl = new Kubectl(cluster.kubeconfig(), Files.createDirectories(work.resolve("kube-cache")));
    cluster.createHosts(3);
    for (int n = 1; n <= 3; n++) {
      cluster.startAgent(n);
    }
    // the client: the servers' shared name, with the certificate checked for the name every server's has
    cluster.addHost(CLIENT, "10.252.0.41");
    Path kc = work.resolve("kubeconfig-both");
    Files.writeString(kc, Files.readString(cluster.kubeconfig()).replace(
        "server: https://" + NetnsCluster.serverIp(1) + ":" + NetnsCluster.SERVER_PORT,
        "server: https://" + API_NAME + ":" + NetnsCluster.SERVER_PORT + "\n    tls-server-name: kubernetes"));
    client = new Kubectl(kc, Files.createDirectories(work.resolve("client-cache"))).under(List.of("ip", "netns", "exec", NetnsCluster.netns(CLIENT)));
    writeClientHosts(1, 2);
    await(Duration.ofSeconds(90), "three Ready nodes", () -> kubectl.run("get", "nodes", "--no-headers").out().lines()
        .filter(l -> l.matches("h\\d\\s+Ready\\s.*")).count() == 3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (etcd != null) {
      etcd.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** The client host's /etc/hosts: {@link #API_NAME} at server {@code first}'s address, then {@code second}'s (kubectl tries them in order). */
  private static void writeClientHosts(int first, int second) throws Exception {
    Path dir = Files.createDirectories(Path.of("/etc/netns", NetnsCluster.netns(CLIENT)));
    Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost\n" + NetnsCluster.serverIp(first) + " " + API_NAME + "\n"
        + NetnsCluster.serverIp(second) + " " + API_NAME + "\n");
  }

  @Test
  @Order(1)
  void statefulSetSpreadOverTheAgents() throws Exception {
    kubectl.runWithInput(STATEFULSET, "apply", "-f", "-").ok();
    await(Duration.ofSeconds(90), "web-0..2 Running", () -> running().size() == 3);
    assertThat(running().values().stream().map(p -> p.node).collect(Collectors.toSet())).containsExactlyInAnyOrder("h1", "h2", "h3");
    assertThat(client.run("get", "statefulset", "web", "-o", "jsonpath={.status.readyReplicas}").ok().out()).isEqualTo("3");
  }

  @Test
  @Order(2)
  void oneEtcdMemberKilledWritesGoOn() throws Exception {
    etcd.killMember(2);
    try {
      for (int i = 0; i < 5; i++) {
        kubectl.run("create", "configmap", "during-member-loss-" + i, "--from-literal=i=" + i).ok();
      }
      assertThat(client.run("get", "configmap", "during-member-loss-4", "-o", "jsonpath={.data.i}").ok().out()).isEqualTo("4");
    } finally {
      etcd.startMember(2);
    }
    etcd.awaitHealthy(Duration.ofSeconds(30));
  }

  @Test
  @Order(3)
  void leaderKilledTheOtherTakesOverAndAScaleUpRuns() throws Exception {
    await(Duration.ofSeconds(30), "both Leases held", () -> LEASES.stream().allMatch(l -> !holder(kubectl, l).isEmpty()));
    String old = holder(kubectl, LEASES.getFirst());
    leader = Files.readString(cluster.serverLog(1)).contains(old + " leads") ? 1 : 2;
    survivor = 3 - leader;
    assertThat(Files.readString(cluster.serverLog(leader))).contains(old + " leads");
    // the client's name lists the leader first, so that its kubectl has to go on to the other
    writeClientHosts(leader, survivor);
    assertThat(client.run("get", "pods", "-l", "app=web", "-o", "name").ok().out().lines().count()).isEqualTo(3);

    cluster.killServer(leader);
    long t0 = System.nanoTime();
    kubectl = new Kubectl(cluster.serverData(survivor).resolve("kubeconfig"), work.resolve("kube-cache"));
    await(Duration.ofSeconds(30), "the survivor holds both Leases", () -> LEASES.stream().allMatch(l -> {
      String h = holder(client, l);
      return !h.isEmpty() && !h.equals(old);
    }));
    double failover = (System.nanoTime() - t0) / 1e9;
    assertThat(Files.readString(cluster.serverLog(survivor))).contains(holder(client, LEASES.getFirst()) + " leads");
    // upstream's 15 s lease from the last renewal seen, and a retry period of slack
    assertThat(failover).as("seconds to a new leader").isLessThan(20);

    // a kubeconfig naming only the dead server has nothing to fail over to; the shared name does
    Kubectl onlyDead = new Kubectl(cluster.serverData(leader).resolve("kubeconfig"), work.resolve("dead-cache"));
    Kubectl.Result dead = onlyDead.run("get", "pods", "--request-timeout=5s");
    assertThat(dead.exitCode()).isNotZero();
    assertThat(dead.err()).contains("connection refused");

    long t1 = System.nanoTime();
    client.run("scale", "statefulset", "web", "--replicas=6").ok();
    await(Duration.ofSeconds(90), "web-0..5 Running", () -> running().size() == 6);
    double scaleUp = (System.nanoTime() - t1) / 1e9;
    Map<String, Long> perNode = running().values().stream().collect(Collectors.groupingBy(p -> p.node, TreeMap::new, Collectors.counting()));
    assertThat(perNode).containsExactly(Map.entry("h1", 2L), Map.entry("h2", 2L), Map.entry("h3", 2L));
    assertThat(client.run("get", "statefulset", "web", "-o", "jsonpath={.status.readyReplicas}").ok().out()).isEqualTo("6");
    System.out.printf("HaClusterE2E: s%d killed → s%d holds both Leases after %.1f s; scale 3 → 6 Running %.1f s after the scale%n",
        leader, survivor, failover, scaleUp);
  }

  @Test
  @Order(4)
  void fullEtcdRestartLosesNothing() throws Exception {
    Map<String, Pod> before = running();
    assertThat(before).hasSize(6);
    List<String> watched = new CopyOnWriteArrayList<>();
    Process watch = client.start("get", "configmaps", "--watch-only", "-o", "name");
    Thread reader = Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(watch.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l; (l = r.readLine()) != null; ) {
          watched.add(l.strip());
        }
      } catch (java.io.IOException e) {
        // the watch ended: checked below
      }
    });
    try {
      client.run("create", "configmap", "before-restart").ok();
      await(Duration.ofSeconds(20), "the watch sees before-restart", () -> watched.contains("configmap/before-restart"));

      for (int i = 0; i < etcd.size(); i++) {
        etcd.killMember(i);
      }
      long t0 = System.nanoTime();
      Thread.sleep(2000);
      assertThat(client.run("get", "configmap", "before-restart", "--request-timeout=5s").exitCode()).as("the API without etcd").isNotZero();
      for (int i = 0; i < etcd.size(); i++) {
        etcd.startMember(i);
      }
      etcd.awaitHealthy(Duration.ofSeconds(30));
      await(Duration.ofSeconds(30), "the API answers again", () -> client.run("get", "configmap", "before-restart", "--request-timeout=5s").exitCode() == 0);
      double back = (System.nanoTime() - t0) / 1e9;

      client.run("create", "configmap", "after-restart").ok();
      await(Duration.ofSeconds(30), "the watch opened before the restart sees after-restart", () -> watched.contains("configmap/after-restart"));
      assertThat(watch.isAlive()).as("kubectl's watch still open").isTrue();
      assertThat(client.run("get", "configmaps", "-o", "name").ok().out().lines().filter(l -> l.startsWith("configmap/during-member-loss-")).count())
          .isEqualTo(5);
      // the pods as they were: the same uids on the same nodes, never restarted, and the nodes Ready throughout
      Thread.sleep(3000);
      assertThat(running()).isEqualTo(before);
      assertThat(kubectl.run("get", "nodes", "--no-headers").ok().out().lines().filter(l -> l.matches("h\\d\\s+Ready\\s.*")).count()).isEqualTo(3);
      for (int n = 1; n <= 3; n++) {
        assertThat(Files.readString(cluster.agentLog(n))).as("h%d's agent", n).doesNotContain("stopping every pod of this node");
      }
      System.out.printf("HaClusterE2E: all of etcd killed → the API answers again %.1f s later (2 s down), nothing lost%n", back);
    } finally {
      watch.destroyForcibly();
      reader.join(5000);
    }
  }

  /** One Running pod as the checks compare it. */
  record Pod(String uid, String node, String restarts) {}

  /** The Running pods of the StatefulSet, by name. */
  private static Map<String, Pod> running() throws Exception {
    Map<String, Pod> out = new TreeMap<>();
    for (String l : kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={range .items[*]}{.metadata.name} {.status.phase} "
        + "{.metadata.uid} {.spec.nodeName} {.status.containerStatuses[0].restartCount}{\"\\n\"}{end}").out().lines().toList()) {
      String[] f = l.split(" ");
      if (f.length == 5 && f[1].equals("Running")) {
        out.put(f[0], new Pod(f[2], f[3], f[4]));
      }
    }
    return out;
  }

  private static String holder(Kubectl k, String lease) {
    try {
      return k.run("get", "lease", "-n", "kube-system", lease, "--request-timeout=5s", "-o", "jsonpath={.spec.holderIdentity}").out().strip();
    } catch (Exception e) {
      return "";
    }
  }

  /** A failure's message carries the pods, nodes and the processes' logs. */
  static final class Report implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
      handleTestExecutionException(context, failure);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
      if (cluster == null) {
        throw failure;
      }
      StringBuilder b = new StringBuilder(String.valueOf(failure.getMessage())).append("\n--- post-mortem ---\n");
      try {
        Kubectl k = kubectl;
        b.append(k.run("get", "nodes", "-o", "wide", "--request-timeout=5s").out())
            .append(k.run("get", "pods", "-A", "-o", "wide", "--request-timeout=5s").out());
        b.append(cluster.logs());
      } catch (Exception | AssertionError e) {
        b.append("(post-mortem incomplete: ").append(e).append(')');
      }
      AssertionError withReport = new AssertionError(b.toString().replaceAll("\n\\s*\n", "\n"), failure);
      withReport.setStackTrace(failure.getStackTrace());
      throw withReport;
    }
  }
}
