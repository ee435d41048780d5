package dev.ordinal.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Several hosts on one machine: a test bridge, and per host a network namespace joined to it by a
 * veth pair. Either {@code ordinal up} (the server and its own node) on the bridge address of the
 * root namespace ({@link #startServer}), or {@code ordinal server}s on an etcd, each in a host of
 * its own ({@link #startServers}); and one {@code ordinal agent} per namespace, each with its own
 * data directory, pod bridge (its namespace's {@code ord0}), pod range, Service rules and cgroup
 * root. Agents and servers run under {@code nsenter --net} only: {@code ip netns exec} remounts
 * /sys, which hides the cgroup hierarchies runc needs. {@link #close} removes everything whatever
 * state the test left; so does a shutdown hook when the JVM is stopped (SIGTERM, ^C) before it,
 * and the next cluster's constructor when the JVM was killed outright ({@link NetnsLeftovers}).
 */
final class NetnsCluster implements AutoCloseable {
  static final String BRIDGE = NetnsLeftovers.PREFIX + "0";
  static final String SERVER_IP = "10.252.0.1";
  /** {@code ordinal server}'s port in its own host. */
  static final int SERVER_PORT = 6443;

  private final Path work;
  private final int port;
  private final List<String> hosts = new ArrayList<>();
  private final Map<String, Process> agents = new LinkedHashMap<>();
  private final Map<Integer, Process> servers = new LinkedHashMap<>();
  private final ReentrantLock closing = new ReentrantLock();
  private final Thread hook;
  private boolean closed;
  private boolean bridge;
  private Process server;
  private Path token;

  NetnsCluster(Path work) throws Exception {
    this.work = work;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
    List<String> left = NetnsLeftovers.clean();
    if (!left.isEmpty()) {
      System.err.println("NetnsCluster: removed what an earlier run left:\n  " + String.join("\n  ", left));
    }
    NetnsLeftovers.record(work);
    hook = new Thread(() -> {
      try {
        close();
      } catch (Exception e) {
        System.err.println("NetnsCluster: clean-up at shutdown failed: " + e);
      }
    }, "netns-cluster-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** The host number's address on the test bridge. */
  static String hostIp(int n) {
    return "10.252.0." + (10 + n);
  }

  /** Server {@code i}'s host address on the test bridge (its host is {@code s<i>}). */
  static String serverIp(int i) {
    return "10.252.0." + (20 + i);
  }

  /** etcd member {@code i}'s host address (its host is {@code e<i>}). */
  static String etcdIp(int i) {
    return "10.252.0." + (30 + i);
  }

  static String netns(int n) {
    return netns("h" + n);
  }

  /** The namespace of the host with this id (h1, s1, e1, …). */
  static String netns(String host) {
    return NetnsLeftovers.PREFIX + "-" + host;
  }

  static String veth(int n) {
    return veth("h" + n);
  }

  static String veth(String host) {
    return NetnsLeftovers.PREFIX + "-v" + host;
  }

  /** What runs a command on the host with this id (its network namespace only). */
  static List<String> on(String host) {
    return List.of("nsenter", "--net=/run/netns/" + netns(host));
  }

  /** The bridge, and {@code count} hosts on it (h1…hN). */
  void createHosts(int count) throws Exception {
    for (int n = 1; n <= count; n++) {
      addHost("h" + n, hostIp(n));
    }
  }

  /** One more host, {@code id}, at {@code ip} on the bridge (made with the first host). */
  void addHost(String id, String ip) throws Exception {
    if (!bridge) {
      bridge = true;
      sh("ip", "link", "add", BRIDGE, "type", "bridge");
      sh("ip", "addr", "add", SERVER_IP + "/24", "dev", BRIDGE);
      sh("ip", "link", "set", BRIDGE, "up");
    }
    String ns = netns(id);
    hosts.add(id);
    sh("ip", "netns", "add", ns);
    sh("ip", "link", "add", veth(id), "type", "veth", "peer", "name", "eth0", "netns", ns);
    sh("ip", "link", "set", veth(id), "master", BRIDGE, "up");
    sh("ip", "-n", ns, "addr", "add", ip + "/24", "dev", "eth0");
    sh("ip", "-n", ns, "link", "set", "eth0", "up");
    sh("ip", "-n", ns, "link", "set", "lo", "up");
    sh("nsenter", "--net=/run/netns/" + ns, "sysctl", "-qw", "net.ipv4.ip_forward=1");
  }

  /**
   * {@code count} {@code ordinal server}s on these etcd endpoints, server {@code i} in host
   * {@code s<i>} on {@link #serverIp}; the second and later with the first's CA, ServiceAccount key
   * and token copied in (docs/multi-node.md). Waits for each one's kubeconfig, then makes a join token.
   */
  void startServers(String etcdEndpoints, int count) throws Exception {
    for (int i = 1; i <= count; i++) {
      addHost("s" + i, serverIp(i));
      Path data = serverData(i);
      Files.createDirectories(data.resolve("tls"));
      if (i > 1) {
        for (String f : List.of("token", "sa.key", "tls/ca.crt", "tls/ca.key")) {
          Files.copy(serverData(1).resolve(f), data.resolve(f));
        }
      }
      startServer(i, etcdEndpoints);
    }
    makeToken(serverData(1));
  }

  /** Starts (or restarts, on its data directory) server {@code i}; waits until it serves. */
  void startServer(int i, String etcdEndpoints) throws Exception {
    Path data = serverData(i);
    Files.deleteIfExists(data.resolve("kubeconfig"));
    Path log = work.resolve("s" + i + ".log");
    Process p = launch(on("s" + i), List.of("server", "--data-dir", data.toString(), "--listen", serverIp(i), "--port",
        Integer.toString(SERVER_PORT), "--etcd-endpoints", etcdEndpoints), log);
    servers.put(i, p);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!Files.exists(data.resolve("kubeconfig"))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("ordinal server s" + i + " did not start:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  /** kill -9 of server {@code i}: its Leases are left to expire. */
  void killServer(int i) throws InterruptedException {
    Process p = servers.remove(i);
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  Path serverData(int i) {
    return work.resolve("s" + i);
  }

  Path serverLog(int i) {
    return work.resolve("s" + i + ".log");
  }

  /** The URLs of the servers started, for the agents' {@code --server}. */
  private String serverUrls() {
    if (servers.isEmpty()) {
      return "https://" + SERVER_IP + ":" + port;
    }
    return String.join(",", servers.keySet().stream().map(i -> "https://" + serverIp(i) + ":" + SERVER_PORT).toList());
  }

  /** {@code ordinal up} on the bridge's address, with its own node; waits for its kubeconfig, then makes a join token. */
  void startServer() throws Exception {
    Path data = serverData();
    Files.createDirectories(data);
    server = launch(List.of(), List.of("up", "--data-dir", data.toString(), "--listen", SERVER_IP, "--port", Integer.toString(port),
        "--node-ip", SERVER_IP, "--dns-listen", "", "--runtime", "runc"), work.resolve("server.log"));
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!Files.exists(kubeconfig())) {
      if (!server.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("ordinal up did not start:\n" + Files.readString(work.resolve("server.log")));
      }
      Thread.sleep(200);
    }
    makeToken(data);
  }

  private void makeToken(Path data) throws Exception {
    token = work.resolve("token");
    String last = "";
    for (int i = 0; i < 10; i++) {
      Process p = new ProcessBuilder(ordinal(List.of("token", "create", "--data-dir", data.toString())))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (p.waitFor() == 0 && out.startsWith("K10")) {
        Files.writeString(token, out + "\n");
        return;
      }
      last = out;
      Thread.sleep(1000);
    }
    throw new IllegalStateException("ordinal token create failed: " + last);
  }

  /** Starts (or restarts, on its kept data directory) the agent of host {@code n} as node {@code h<n>}. */
  void startAgent(int n, String... labels) throws Exception {
    List<String> args = new ArrayList<>(List.of("agent", "--server", serverUrls(), "--token-file", token.toString(),
        "--node-name", "h" + n, "--data-dir", agentData(n).toString(), "--cgroup-root", "/" + cgroupRoot(n)));
    for (String l : labels) {
      args.addAll(List.of("--node-label", l));
    }
    agents.put("h" + n, launch(List.of("nsenter", "--net=/run/netns/" + netns(n)), args, work.resolve("h" + n + ".log")));
  }

  /** kill -9 of host {@code n}'s agent (its fencing watchdog and its pods' containers live on). */
  void killAgent(int n) throws InterruptedException {
    Process p = agents.remove("h" + n);
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** Cuts (or restores) host {@code n}'s link to the others. */
  void link(int n, boolean up) throws Exception {
    sh("ip", "link", "set", veth(n), up ? "up" : "down");
  }

  /** Host {@code n}'s agent's cgroup parent (in every hierarchy), apart from the server's {@code /ordinal}. */
  static String cgroupRoot(int n) {
    return "ordinal-h" + n;
  }

  Path agentLog(int n) {
    return work.resolve("h" + n + ".log");
  }

  /** The admin kubeconfig of {@code ordinal up}, or of the first {@code ordinal server}. */
  Path kubeconfig() {
    return servers.isEmpty() && server != null ? serverData().resolve("kubeconfig") : serverData(1).resolve("kubeconfig");
  }

  Path serverData() {
    return work.resolve("server");
  }

  Path agentData(int n) {
    return work.resolve("a" + n);
  }

  /** The logs of the server and the agents, for a failure's message. */
  String logs() throws IOException {
    StringBuilder b = new StringBuilder();
    try (var files = Files.list(work)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        b.append("--- ").append(f.getFileName()).append(" (last 60 lines)\n");
        lines.subList(Math.max(0, lines.size() - 60), lines.size()).forEach(l -> b.append(l).append('\n'));
      }
    }
    return b.toString();
  }

  /**
   * Everything, whatever the test left: the agents and the servers, the fencing watchdogs, every
   * pod's container, mounts, network namespace and cgroups, then the hosts' namespaces (with their
   * bridges, routes and rules), the veths and the test bridge; the server's rules last. Once only,
   * from the test or from the shutdown hook, whichever comes first.
   */
  @Override
  public void close() throws Exception {
    closing.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      removeEverything();
    } finally {
      closing.unlock();
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down
      }
    }
  }

  private void removeEverything() throws Exception {
    for (Process p : agents.values()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    agents.clear();
    for (Process p : servers.values()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    servers.clear();
    if (server != null) {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor(10, TimeUnit.SECONDS);
      }
    }
    for (String host : hosts) {
      if (!host.matches("h\\d+")) {
        continue;
      }
      int n = Integer.parseInt(host.substring(1));
      Path pid = agentData(n).resolve("fence-watchdog.pid");
      if (Files.exists(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
      HostLeftovers.cleanPods(agentData(n), cgroupRoot(n));
    }
    if (server != null) {
      HostLeftovers.cleanPods(serverData());
    }
    // whatever still runs in a host (an etcd member the test did not stop, a watchdog without its pid file)
    for (String host : hosts) {
      for (String pid : HostLeftovers.run("ip", "netns", "pids", netns(host)).lines().map(String::strip).filter(l -> l.matches("\\d+")).toList()) {
        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
    for (String host : hosts) {
      HostLeftovers.run("ip", "netns", "delete", netns(host));
      HostLeftovers.run("ip", "link", "delete", veth(host));
    }
    HostLeftovers.run("ip", "link", "delete", BRIDGE);
    NetnsLeftovers.removeEtcNetns(new ArrayList<>());
    HostLeftovers.cleanHostNetwork();
    NetnsLeftovers.forget(work);
  }

  private Process launch(List<String> prefix, List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(ordinal(args));
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  private static List<String> ordinal(List<String> args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String options = "@" + Path.of(System.getProperty("ordinal.root", "."), "scripts", "jvm.options").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(java, options, "-cp", System.getProperty("java.class.path"), "dev.ordinal.server.Main"));
    command.addAll(args);
    return command;
  }

  private static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }
}
