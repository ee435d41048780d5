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

/**
 * Several hosts on one machine: a test bridge, and per host a network namespace joined to it by a
 * veth pair; {@code ordinal up} (the server and its own node) on the bridge address of the root
 * namespace, and one {@code ordinal agent} per namespace, each with its own data directory, pod
 * bridge (its namespace's {@code ord0}), pod range, Service rules and cgroup root. Agents run under
 * {@code nsenter --net} only: {@code ip netns exec} remounts /sys, which hides the cgroup
 * hierarchies runc needs. {@link #close} removes everything whatever state the test left.
 */
final class NetnsCluster implements AutoCloseable {
  static final String BRIDGE = "ordmn0";
  static final String SERVER_IP = "10.252.0.1";

  private final Path work;
  private final int port;
  private final List<String> hosts = new ArrayList<>();
  private final Map<String, Process> agents = new LinkedHashMap<>();
  private Process server;
  private Path token;

  NetnsCluster(Path work) throws IOException {
    this.work = work;
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
  }

  /** The host number's address on the test bridge. */
  static String hostIp(int n) {
    return "10.252.0." + (10 + n);
  }

  static String netns(int n) {
    return "ordmn-h" + n;
  }

  static String veth(int n) {
    return "ordmn-v" + n;
  }

  /** The bridge, and {@code count} hosts on it (h1…hN). */
  void createHosts(int count) throws Exception {
    sh("ip", "link", "add", BRIDGE, "type", "bridge");
    sh("ip", "addr", "add", SERVER_IP + "/24", "dev", BRIDGE);
    sh("ip", "link", "set", BRIDGE, "up");
    for (int n = 1; n <= count; n++) {
      hosts.add(netns(n));
      sh("ip", "netns", "add", netns(n));
      sh("ip", "link", "add", veth(n), "type", "veth", "peer", "name", "eth0", "netns", netns(n));
      sh("ip", "link", "set", veth(n), "master", BRIDGE, "up");
      sh("ip", "-n", netns(n), "addr", "add", hostIp(n) + "/24", "dev", "eth0");
      sh("ip", "-n", netns(n), "link", "set", "eth0", "up");
      sh("ip", "-n", netns(n), "link", "set", "lo", "up");
      sh("nsenter", "--net=/run/netns/" + netns(n), "sysctl", "-qw", "net.ipv4.ip_forward=1");
    }
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
    List<String> args = new ArrayList<>(List.of("agent", "--server", "https://" + SERVER_IP + ":" + port, "--token-file", token.toString(),
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

  Path kubeconfig() {
    return serverData().resolve("kubeconfig");
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
   * Everything, whatever the test left: the agents and the server, the fencing watchdogs, every
   * pod's container, mounts, network namespace and cgroups, then the hosts' namespaces (with their
   * bridges, routes and rules), the veths and the test bridge; the server's rules last.
   */
  @Override
  public void close() throws Exception {
    for (Process p : agents.values()) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    agents.clear();
    if (server != null) {
      server.destroy();
      if (!server.waitFor(20, TimeUnit.SECONDS)) {
        server.destroyForcibly();
        server.waitFor(10, TimeUnit.SECONDS);
      }
    }
    for (int n = 1; n <= hosts.size(); n++) {
      Path pid = agentData(n).resolve("fence-watchdog.pid");
      if (Files.exists(pid)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
      }
      HostLeftovers.cleanPods(agentData(n), cgroupRoot(n));
    }
    HostLeftovers.cleanPods(serverData());
    for (int n = 1; n <= hosts.size(); n++) {
      HostLeftovers.run("ip", "netns", "delete", netns(n));
      HostLeftovers.run("ip", "link", "delete", veth(n));
    }
    HostLeftovers.run("ip", "link", "delete", BRIDGE);
    HostLeftovers.cleanHostNetwork();
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
