package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts on one machine ({@link NetnsCluster}): {@code ordinal up} on a test bridge and two
 * {@code ordinal agent}s, each in a network namespace of its own, joined with a token. Nodes,
 * pods pinned to remote hosts, pod traffic between hosts (by IP, StatefulSet DNS name, ClusterIP),
 * logs and exec through an agent, drain, and the loss of a host: kill -9 of its agent and its link
 * cut, its StatefulSet replica Running elsewhere within 60 s, never two of one identity at once,
 * and the host back without its fenced pods. {@code -Dordinal.nodeLossTrials=5} repeats the loss
 * for the benchmark (docs/benchmarks.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(MultiNodeE2E.Report.class)
class MultiNodeE2E {
  @TempDir static Path work;
  static NetnsCluster cluster;
  static Kubectl kubectl;
  static String serverNode;
  /** The replica that landed on h2, the agent in a network namespace of its own. */
  static String onH2;

  private static final String WORKLOADS = """
      apiVersion: v1
      kind: Service
      metadata: {name: ss}
      spec: {clusterIP: None, selector: {app: ss}, ports: [{port: 80}]}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: ss-web}
      spec: {selector: {app: ss}, ports: [{port: 80}]}
      ---
      apiVersion: apps/v1
      kind: StatefulSet
      metadata: {name: ss}
      spec:
        serviceName: ss
        replicas: 2
        podManagementPolicy: Parallel
        selector: {matchLabels: {app: ss}}
        template:
          metadata: {labels: {app: ss}}
          spec:
            terminationGracePeriodSeconds: 1
            affinity:
              nodeAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 100
                  preference: {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [h2]}]}
              podAntiAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                - topologyKey: kubernetes.io/hostname
                  labelSelector: {matchLabels: {app: ss}}
            containers:
            - name: web
              image: busybox
              command: [sh, -c, "echo serving from $(hostname); mkdir -p /w; hostname > /w/index.html; exec httpd -f -p 80 -h /w"]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: client}
      spec:
        nodeSelector: {kubernetes.io/hostname: h1}
        terminationGracePeriodSeconds: 0
        containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
      """;

  @BeforeAll
  static void startHosts() throws Exception {
    assumeTrue(HostLeftovers.canRunContainers(), "needs root with runc, conmon, the CNI plugins and busybox");
    cluster = new NetnsCluster(work);
    cluster.createHosts(2);
    cluster.startServer();
    kubectl = new Kubectl(cluster.kubeconfig(), Files.createDirectories(work.resolve("kube-cache")));
    cluster.startAgent(1, "zone=z1");
    cluster.startAgent(2, "zone=z2");
    await(Duration.ofSeconds(90), "three Ready nodes", () -> readyNodes().size() == 3);
    serverNode = kubectl.run("get", "nodes", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}").ok().out().lines()
        .filter(n -> !n.equals("h1") && !n.equals("h2")).findFirst().orElseThrow();
  }

  @AfterAll
  static void removeHosts() throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  @Test
  @Order(1)
  void nodesShowTheirAddresses() throws Exception {
    String wide = kubectl.run("get", "nodes", "-o", "wide").ok().out();
    assertThat(wide).containsPattern("(?m)^h1\\s+Ready\\s.*\\s" + NetnsCluster.hostIp(1).replace(".", "\\.") + "\\s")
        .containsPattern("(?m)^h2\\s+Ready\\s.*\\s" + NetnsCluster.hostIp(2).replace(".", "\\.") + "\\s")
        .containsPattern("(?m)^" + serverNode + "\\s+Ready\\s.*\\s" + NetnsCluster.SERVER_IP.replace(".", "\\.") + "\\s");
    assertThat(kubectl.run("get", "node", "h2", "-o", "jsonpath={.spec.podCIDR} {.metadata.labels.zone}").ok().out())
        .matches("10\\.42\\.\\d+\\.0/24 z2");
    assertThat(kubectl.run("describe", "node", "h2").ok().out()).containsPattern("InternalIP:\\s+" + NetnsCluster.hostIp(2))
        .containsPattern("PodCIDR:\\s+10\\.42\\.");
  }

  @Test
  @Order(2)
  void podsTalkAcrossHosts() throws Exception {
    kubectl.runWithInput(WORKLOADS, "apply", "-f", "-").ok();
    await(Duration.ofSeconds(90), "ss-0, ss-1 and client Running", () -> running("ss-0") && running("ss-1") && running("client"));
    // Parallel: both replicas are scheduled at once, so either may take h2 (preferred) and the other
    // the server's node (the anti-affinity keeps them apart)
    onH2 = Stream.of("ss-0", "ss-1").filter(p -> nodeOfUnchecked(p).equals("h2")).findFirst()
        .orElseThrow(() -> new AssertionError("no replica on h2"));
    assertThat(nodeOf(onH2.equals("ss-0") ? "ss-1" : "ss-0")).isEqualTo(serverNode);
    assertThat(nodeOf("client")).isEqualTo("h1");
    String ip = kubectl.run("get", "pod", onH2, "-o", "jsonpath={.status.podIP}").ok().out();
    String clusterIp = kubectl.run("get", "svc", "ss-web", "-o", "jsonpath={.spec.clusterIP}").ok().out();
    // h1's pod to h2's pod: by address, by the StatefulSet's stable name, through the Service
    for (String url : List.of("http://" + ip + "/", "http://" + onH2 + ".ss.default.svc.cluster.local/", "http://" + clusterIp + "/")) {
      await(Duration.ofSeconds(30), "client on h1 gets " + url, () -> {
        Kubectl.Result r = kubectl.run("exec", "client", "--", "timeout", "5", "wget", "-q", "-O", "-", url);
        return r.exitCode() == 0 && r.out().startsWith("ss-");
      });
    }
  }

  @Test
  @Order(3)
  void logsAndExecReachARemoteAgent() throws Exception {
    assertThat(kubectl.run("logs", onH2).ok().out()).contains("serving from " + onH2);
    assertThat(kubectl.run("exec", onH2, "--", "hostname").ok().out().strip()).isEqualTo(onH2);
  }

  @Test
  @Order(4)
  void drainMovesADeploymentsPods() throws Exception {
    kubectl.runWithInput("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: dep}
        spec:
          replicas: 2
          selector: {matchLabels: {app: dep}}
          template:
            metadata: {labels: {app: dep}}
            spec:
              terminationGracePeriodSeconds: 0
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: NotIn, values: [h2]}]}]
                  preferredDuringSchedulingIgnoredDuringExecution:
                  - weight: 100
                    preference: {matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [h1]}]}
              containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
        """, "apply", "-f", "-").ok();
    await(Duration.ofSeconds(60), "dep's 2 pods Running", () -> podsOf("dep").stream().filter(p -> p[1].equals("Running")).count() == 2);
    assertThat(podsOf("dep")).anyMatch(p -> p[2].equals("h1"));
    kubectl.run("drain", "h1", "--ignore-daemonsets", "--delete-emptydir-data", "--force", "--timeout=90s").ok();
    assertThat(kubectl.run("get", "node", "h1").ok().out()).contains("SchedulingDisabled");
    await(Duration.ofSeconds(60), "dep's pods Running off h1", () -> {
      List<String[]> pods = podsOf("dep");
      return pods.size() == 2 && pods.stream().allMatch(p -> p[1].equals("Running") && !p[2].equals("h1"));
    });
    kubectl.run("uncordon", "h1").ok();
  }

  @Test
  @Order(5)
  void aLostHostsReplicaRunsElsewhereAndComesBackFenced() throws Exception {
    int trials = Integer.getInteger("ordinal.nodeLossTrials", 1);
    List<Double> seconds = new ArrayList<>();
    for (int t = 1; t <= trials; t++) {
      seconds.add(loseAHost());
    }
    List<Double> sorted = new ArrayList<>(seconds);
    Collections.sort(sorted);
    System.out.printf("node loss -> replacement Running over %d trial(s): %s s; median %.1f s, max %.1f s%n", trials, seconds,
        sorted.get(sorted.size() / 2), sorted.getLast());
  }

  /** One host lost and back; returns the seconds from the loss to its replica Running elsewhere. */
  private double loseAHost() throws Exception {
    String victimPod = Stream.of("ss-0", "ss-1").filter(p -> !serverNode.equals(nodeOfUnchecked(p))).findFirst().orElseThrow();
    String victimNode = nodeOf(victimPod);
    int n = Integer.parseInt(victimNode.substring(1));
    String oldUid = kubectl.run("get", "pod", victimPod, "-o", "jsonpath={.metadata.uid}").ok().out();
    assertThat(PodWatch.alive(oldUid, NetnsCluster.cgroupRoot(n))).as("the processes of %s (%s) on %s", victimPod, oldUid, victimNode).isTrue();
    try (PodWatch watch = PodWatch.start(cluster.kubeconfig(), "app=ss", oldUid, NetnsCluster.cgroupRoot(n))) {
      Instant lost = Instant.now();
      cluster.killAgent(n);
      cluster.link(n, false);
      await(Duration.ofSeconds(60), victimNode + " NotReady with the unreachable taints", () -> {
        String s = kubectl.run("get", "node", victimNode, "-o",
            "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.spec.taints[*].key}:{.spec.taints[*].effect}").out();
        return s.startsWith("Unknown ") && s.contains("node.kubernetes.io/unreachable") && s.contains("NoSchedule") && s.contains("NoExecute");
      });
      await(Duration.ofSeconds(75), victimPod + " Running again elsewhere", () -> watch.replacementRunning(victimPod) != null);
      Instant replaced = watch.replacementRunning(victimPod);
      double took = Duration.between(lost, replaced).toMillis() / 1000.0;
      assertThat(nodeOf(victimPod)).isNotEqualTo(victimNode);
      assertThat(watch.violations()).as("identities seen with two Running pods").isEmpty();
      assertThat(watch.lastSeenAlive()).as("the lost pod's processes stopped (fenced) before its replacement ran")
          .isNotNull().isBefore(replaced);
      assertThat(took).as("seconds from the loss to the replacement Running").isLessThanOrEqualTo(60.0);

      // the host comes back: its agent finds the pod gone and never starts it again
      cluster.link(n, true);
      cluster.startAgent(n, "zone=z" + n);
      await(Duration.ofSeconds(60), victimNode + " Ready without the unreachable taints", () -> kubectl.run("get", "node", victimNode, "-o",
          "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}|{.spec.taints[*].key}").out().matches("True\\|(?!.*unreachable).*"));
      Path oldDir = cluster.agentData(n).resolve("pods").resolve(oldUid);
      await(Duration.ofSeconds(30), "the fenced pod's remnants removed on " + victimNode, () -> !Files.exists(oldDir));
      Thread.sleep(3000);
      assertThat(watch.aliveAfter(lost.plusSeconds(30))).as("the fenced pod restarted on its host").isFalse();
      assertThat(watch.violations()).isEmpty();
      System.out.printf("node loss: %s on %s replaced on %s after %.1f s (its processes last seen %.1f s after the loss)%n", victimPod,
          victimNode, nodeOf(victimPod), took, Duration.between(lost, watch.lastSeenAlive()).toMillis() / 1000.0);
      return took;
    }
  }

  /**
   * Seed 000's scenario across hosts: nodes labelled zk0, zk1, zk2 (the server's, h1, h2), the
   * example's hand-made PVs (one per member, pinned to its node), the ensemble one member per
   * host; a client on h1 writes, one on h2 reads; logs from every host. Then h2 is cut off, its
   * agent running on (its own fencing, not the watchdog's kill -9 case above): zk-2, pinned there
   * by its volume, stays Pending with the scheduler's reason while the other two serve, and runs
   * there again with its data once the link is back.
   */
  @Test
  @Order(6)
  void seedZooKeeperOneMemberPerHost() throws Exception {
    assumeTrue(Files.exists(Path.of(ZooKeeperE2E.CLI)), "needs Debian's zookeeper");
    Path pvs = work.resolve("zookeeper-local-pvs.yaml");
    Files.writeString(pvs, Files.readString(RealPodsTestBase.example("zookeeper-local-pvs.yaml"))
        .replace("/var/lib/ordinal-examples", work.resolve("zk").toString()));
    kubectl.run("label", "node", serverNode, "zk0=yes").ok();
    kubectl.run("label", "node", "h1", "zk1=yes").ok();
    kubectl.run("label", "node", "h2", "zk2=yes").ok();
    kubectl.run("apply", "-f", pvs.toString()).ok();
    kubectl.run("apply", "-f", RealPodsTestBase.example("zookeeper.yaml").toString()).ok();
    await(Duration.ofSeconds(180), "zk-0, zk-1 and zk-2 Ready", () ->
        kubectl.run("wait", "--for=condition=Ready", "pod/zk-0", "pod/zk-1", "pod/zk-2", "--timeout=20s").exitCode() == 0);
    assertThat(List.of(nodeOf("zk-0"), nodeOf("zk-1"), nodeOf("zk-2"))).containsExactly(serverNode, "h1", "h2");
    await(Duration.ofSeconds(60), "a write through zk-1 on h1", () -> {
      String out = zk(1, "create", "/hosts", "written-on-h1");
      return out.contains("Created /hosts") || out.contains("Node already exists");
    });
    assertThat(zk(2, "get", "/hosts")).as("read through zk-2 on h2").contains("written-on-h1");
    for (int m = 0; m < 3; m++) {
      assertThat(kubectl.run("logs", "zk-" + m, "-c", "zookeeper").ok().out()).containsPattern("LEADING|FOLLOWING");
    }

    // h2 cut off while its agent runs on (it fences itself): zk-2's claim is on h2's PV, so its
    // replacement waits Pending, saying why, while two members keep the quorum
    String lostUid = kubectl.run("get", "pod", "zk-2", "-o", "jsonpath={.metadata.uid}").ok().out();
    try (PodWatch watch = PodWatch.start(cluster.kubeconfig(), "app=zk", lostUid, NetnsCluster.cgroupRoot(2))) {
      Instant lost = Instant.now();
      cluster.link(2, false);
      await(Duration.ofSeconds(75), "zk-2 made again and Pending", () -> kubectl.run("get", "pod", "zk-2", "-o",
          "jsonpath={.metadata.uid} {.status.phase}").out().matches("(?!" + lostUid + ")\\S+ Pending"));
      await(Duration.ofSeconds(30), "zk-2's FailedScheduling event", () -> kubectl.run("get", "events", "-o",
          "jsonpath={range .items[?(@.reason==\"FailedScheduling\")]}{.involvedObject.name}|{.message}{\"\\n\"}{end}").out().lines()
          .anyMatch(l -> l.startsWith("zk-2|") && (l.contains("not ready") || l.contains("node.kubernetes.io/unreachable"))
              && l.contains("2 node(s) had volume node affinity conflict")));
      assertThat(zk(0, "get", "/hosts")).as("read with two members of three").contains("written-on-h1");
      assertThat(Files.readString(cluster.agentLog(2))).as("h2's agent fenced itself").contains("stopping every pod of this node");
      assertThat(watch.aliveAfter(lost.plusSeconds(30))).as("zk-2's processes on h2 after the fencing timeout").isFalse();

      // the link back: the same agent reaches the API, drops the deleted pod, and zk-2 runs on h2 again
      // on its own PV with the ensemble's data; the fenced pod never runs again
      cluster.link(2, true);
      await(Duration.ofSeconds(150), "zk-2 Ready again", () ->
          kubectl.run("wait", "--for=condition=Ready", "pod/zk-2", "--timeout=20s").exitCode() == 0);
      assertThat(nodeOf("zk-2")).isEqualTo("h2");
      await(Duration.ofSeconds(60), "zk-2 serves the data written before", () -> zk(2, "get", "/hosts").contains("written-on-h1"));
      assertThat(watch.aliveAfter(lost.plusSeconds(30))).as("the fenced zk-2 restarted on h2").isFalse();
      assertThat(watch.violations()).as("identities seen with two Running pods").isEmpty();
    }
  }

  private static String zk(int member, String... command) throws Exception {
    Kubectl.Result r = kubectl.run(ZooKeeperE2E.zkArgs(member, command));
    return r.out() + r.err(); // zkCli prints its results on stderr
  }

  private static List<String> readyNodes() throws Exception {
    return kubectl.run("get", "nodes", "--no-headers").out().lines().filter(l -> l.matches("\\S+\\s+Ready\\s.*")).toList();
  }

  private static boolean running(String pod) throws Exception {
    return kubectl.run("get", "pod", pod, "-o", "jsonpath={.status.phase}").out().equals("Running");
  }

  private static String nodeOf(String pod) throws Exception {
    return kubectl.run("get", "pod", pod, "-o", "jsonpath={.spec.nodeName}").ok().out();
  }

  private static String nodeOfUnchecked(String pod) {
    try {
      return nodeOf(pod);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** name, phase, node of each pod labelled app=<app>. */
  private static List<String[]> podsOf(String app) throws Exception {
    return kubectl.run("get", "pods", "-l", "app=" + app, "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.spec.nodeName}{\"\\n\"}{end}").ok().out().lines()
        .map(l -> l.split(" ")).filter(f -> f.length == 3).toList();
  }

  static void await(Duration timeout, String what, Callable<Boolean> condition) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
      }
      Thread.sleep(500);
    }
  }

  /** A failure's message carries the pods, nodes, events and the processes' logs. */
  static final class Report implements TestExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
      if (cluster == null || kubectl == null) {
        throw failure;
      }
      StringBuilder b = new StringBuilder(String.valueOf(failure.getMessage())).append("\n--- post-mortem ---\n");
      try {
        b.append(kubectl.run("get", "nodes", "-o", "wide").out()).append(kubectl.run("get", "pods", "-A", "-o", "wide").out());
        List<String> events = kubectl.run("get", "events", "-A", "--sort-by=.lastTimestamp").out().lines().toList();
        b.append(String.join("\n", events.subList(Math.max(0, events.size() - 20), events.size()))).append('\n');
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
