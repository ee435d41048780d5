package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.nodes.AgentWire;
import dev.ordinal.client.Client;
import dev.ordinal.client.HttpApiClient;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.nodelifecycle.NodeLifecyclePlanner;
import dev.ordinal.dns.ClusterDns;
import dev.ordinal.node.NodeAgent;
import dev.ordinal.node.api.AgentApiServer;
import dev.ordinal.node.proxy.ServiceProxy;
import dev.ordinal.node.routes.HostRoutes;
import dev.ordinal.node.runc.ClientPodResources;
import dev.ordinal.node.runc.RuncRuntime;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ordinal agent}: this host as a node of a cluster whose API is elsewhere. It joins with a
 * token ({@link AgentJoin}), registers its Node, waits for the pod range the control plane gives
 * it, then runs its pods with runc on its own bridge and range, keeps the Service rules, a cluster
 * DNS for its pods on its bridge, routes to the other nodes' pods, and serves logs, exec and
 * attach to the API server ({@link AgentApiServer}). It fences itself: without a renewed Lease
 * for {@code --fencing-timeout}, its pods stop (the JVM's own check, and a watchdog process that
 * outlives the agent for when the agent itself dies).
 */
@Command(name = "agent", mixinStandardHelpOptions = true, description = "Join this host to a cluster as a node and run its pods.")
final class AgentCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

  @Option(names = "--server", required = true, split = ",",
      description = "The API server, https://HOST:PORT; several (repeated or comma-separated) to fail over between a cluster's servers.")
  List<String> servers;

  @Option(names = "--token-file", description = "The join token (`ordinal token create`); not needed once joined.")
  Path tokenFile;

  @Option(names = "--node-name", description = "This node's name (default: the host name).")
  String nodeName;

  @Option(names = "--node-label", description = "A label of this node, k=v; repeatable.")
  List<String> labels = new ArrayList<>();

  @Option(names = "--node-ip", description = "This node's address, where other nodes and the API server reach it "
      + "(default: the address this host reaches the server from).")
  String nodeIp;

  @Option(names = "--data-dir", defaultValue = ".ordinal-agent", description = "Credentials and pods (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--fencing-timeout", defaultValue = "20",
      description = "Seconds without a renewed Lease after which this node stops its pods; below the control plane's 40 s "
          + "grace period (default: ${DEFAULT-VALUE}).")
  int fencingSeconds;

  @Option(names = "--cluster-cidr", defaultValue = "10.42.0.0/16",
      description = "The control plane's --cluster-cidr: the other nodes' pods, which this node's pods reach through it (default: ${DEFAULT-VALUE}).")
  String clusterCidr;

  @Option(names = "--cgroup-root", defaultValue = "/ordinal",
      description = "The cgroup under which this node's pods run, in every hierarchy, as kubelet's (default: ${DEFAULT-VALUE}).")
  String cgroupRoot;

  @Option(names = "--allow-privileged", description = "Let pods run privileged containers (refused by default).")
  boolean allowPrivileged;

  @Option(names = "--runtime", defaultValue = "runc",
      description = "runc (real containers, needs root; the default) or simulated (pods without processes, as `ordinal up "
          + "--runtime simulated`: for trying a topology and for benchmarks of the control plane; no logs, exec or Service rules).")
  String runtime;

  @Override
  public Integer call() throws Exception {
    if (!runtime.equals("runc") && !runtime.equals("simulated")) {
      System.err.println("ordinal: --runtime must be runc or simulated, not " + runtime);
      return 2;
    }
    boolean simulated = runtime.equals("simulated");
    if (!simulated && !RuncHost.isRoot() || !RuncHost.missing(true).isEmpty()) {
      System.err.println("ordinal: the agent runs real containers and needs root with runc, conmon and the CNI plugins: "
          + RuncHost.missing(RuncHost.isRoot()));
      return 2;
    }
    if (fencingSeconds <= 0 || fencingSeconds >= NodeLifecyclePlanner.GRACE.toSeconds()) {
      System.err.println("ordinal: --fencing-timeout must be between 1 and " + (NodeLifecyclePlanner.GRACE.toSeconds() - 1)
          + " seconds, so that pods stop here before the control plane starts them elsewhere");
      return 2;
    }
    try {
      if (!simulated) {
        RuncRuntime.useCgroupRoot(cgroupRoot);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("ordinal: --cgroup-root: " + e.getMessage());
      return 2;
    }
    Map<String, String> nodeLabels = new LinkedHashMap<>();
    for (String l : labels) {
      int eq = l.indexOf('=');
      if (eq <= 0) {
        System.err.println("ordinal: --node-label " + l + " is not k=v");
        return 2;
      }
      nodeLabels.put(l.substring(0, eq), l.substring(eq + 1));
    }
    servers = servers.stream().map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s).toList();
    String server = servers.getFirst();
    URI uri = URI.create(server);
    String name = nodeName != null ? nodeName : NodeNames.local();
    String ip = nodeIp != null ? nodeIp : sourceAddress(uri);
    Files.createDirectories(dataDir);
    Path tls = dataDir.resolve("tls");
    AgentJoin.Credentials creds;
    if (AgentJoin.joined(tls)) {
      creds = AgentJoin.load(tls);
    } else {
      if (tokenFile == null) {
        System.err.println("ordinal: not joined yet: give --token-file with a token from `ordinal token create`");
        return 2;
      }
      creds = AgentJoin.join(servers, AgentJoin.Token.parse(Files.readString(tokenFile)), name, ip, tls);
      System.err.println("ordinal: joined " + server + " as node " + name);
    }
    Client nodeClient = new HttpApiClient(servers, TlsContexts.of(creds.ca(), creds.key(), creds.node()), null);
    Client proxyClient = new HttpApiClient(servers, TlsContexts.of(creds.ca(), creds.key(), creds.proxy()), null);
    Client dnsClient = new HttpApiClient(servers, TlsContexts.of(creds.ca(), creds.key(), creds.dns()), null);
    String podCidr = registerAndAwaitRange(nodeClient, name, nodeLabels);
    log.info("node {} at {} runs pods in {}", name, ip, podCidr);
    if (simulated) {
      return runSimulated(nodeClient, name, ip, nodeLabels, podCidr);
    }

    Path heartbeat = dataDir.resolve("lease-renewed");
    Files.writeString(heartbeat, "");
    FenceWatchdog.start(dataDir, heartbeat, fencingSeconds, cgroupRoot);
    // pods' resolv.conf names this node's bridge, where its own cluster DNS answers
    RuncRuntime runc = new RuncRuntime(RuncRuntime.Config.defaults(dataDir.toAbsolutePath()).with(podCidr, allowPrivileged).withClusterDns("")
        .withPodRoutes(podRoutes(nodeClient, podCidr)),
        new ClientPodResources(nodeClient));
    runc.startLogRotation();
    runc.startImageGc(dev.ordinal.node.images.ImageGcPlan.Policy.DEFAULT);
    runc.prepareNetwork();
    SSLContext serving = TlsContexts.of(creds.ca(), creds.key(), creds.serving());
    AgentApiServer agentApi = new AgentApiServer(serving, ip, AgentWire.PORT, runc, runc, runc, runc.startStats());
    agentApi.start();
    ServiceProxy proxy = new ServiceProxy(proxyClient, podCidr, ip);
    proxy.start();
    ClusterDns dns = new ClusterDns(dnsClient, List.of(new InetSocketAddress(runc.gateway(), 53)), new ClusterDns.Options(true, false));
    dns.start();
    HostRoutes routes = new HostRoutes(nodeClient, name);
    routes.start();
    NodeAgent agent = new NodeAgent(nodeClient, name, runc, proxy, new NodeAgent.Host(ip, nodeLabels, podCidr, agentApi.port(),
        Duration.ofSeconds(fencingSeconds), () -> touch(heartbeat)));
    agent.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      routes.close();
      dns.close();
      proxy.close();
      agentApi.close();
      FenceWatchdog.stop(dataDir);
      stopped.countDown();
    }, "shutdown"));
    System.err.println("ordinal: node " + name + " (" + ip + ", pods " + podCidr + ") is running");
    stopped.await();
    return 0;
  }

  /**
   * A node whose pods have no processes (the simulated runtime: containers start at once and run
   * until deleted): it registers, keeps its Lease and reports pod status like any agent, so the
   * control plane does all its work for it; there is nothing to fence, route or proxy.
   */
  private int runSimulated(Client nodeClient, String name, String ip, Map<String, String> nodeLabels, String podCidr)
      throws InterruptedException {
    NodeAgent agent = new NodeAgent(nodeClient, name, new dev.ordinal.node.sim.SimulatedRuntime(),
        dev.ordinal.node.ServiceRoutes.NONE, new NodeAgent.Host(ip, nodeLabels, podCidr, 0, Duration.ofSeconds(fencingSeconds), () -> { }));
    agent.start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "shutdown"));
    System.err.println("ordinal: node " + name + " (" + ip + ", pods " + podCidr + ", simulated) is running");
    stopped.await();
    return 0;
  }

  /**
   * The pod ranges this node's pods reach through it: the cluster's, and any node's outside it
   * (the server's own node keeps its --pod-cidr). A pod's routes are fixed when it starts; nodes
   * that join later take their ranges from the cluster's.
   */
  private List<String> podRoutes(Client client, String ownCidr) {
    List<String> out = new ArrayList<>(List.of(clusterCidr));
    try {
      for (var n : client.list(Types.NODES, null, dev.ordinal.apiserver.registry.ListOptions.ALL).items()) {
        String cidr = n.path("spec").path("podCIDR").asText("");
        if (!cidr.isEmpty() && !cidr.equals(ownCidr) && !out.contains(cidr)) {
          out.add(cidr);
        }
      }
    } catch (ApiException e) {
      log.warn("listing the nodes' pod ranges: {}", e.getMessage());
    }
    return out;
  }

  private static void touch(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (java.io.IOException e) {
      log.warn("touching {}: {}", file, e.getMessage());
    }
  }

  /** The local address the kernel picks to reach the server: this host's address on the cluster's network. */
  private static String sourceAddress(URI server) throws java.io.IOException {
    try (DatagramSocket s = new DatagramSocket()) {
      s.connect(new InetSocketAddress(server.getHost(), 9)); // no packet is sent: connect only picks a route
      return s.getLocalAddress().getHostAddress();
    }
  }

  /**
   * Creates the Node (labels, the fencing annotation) if it is not there, or brings its labels and
   * annotation up to date, then waits for the control plane's node IPAM to give it a pod range.
   */
  private String registerAndAwaitRange(Client client, String name, Map<String, String> nodeLabels) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(120);
    while (true) {
      try {
        ObjectNode node = client.find(Types.NODES, null, name).orElse(null);
        if (node == null) {
          ObjectNode fresh = Json.object().put("apiVersion", "v1").put("kind", "Node");
          ObjectNode meta = fresh.putObject("metadata").put("name", name);
          ObjectNode l = meta.putObject("labels");
          l.put("kubernetes.io/hostname", name).put("kubernetes.io/os", "linux").put("kubernetes.io/arch", "amd64")
              .put("beta.kubernetes.io/os", "linux");
          nodeLabels.forEach(l::put);
          meta.putObject("annotations").put(NodeLifecyclePlanner.FENCING_ANNOTATION, Integer.toString(fencingSeconds));
          node = client.create(Types.NODES, null, fresh);
        } else {
          ObjectNode patch = Json.object();
          ObjectNode meta = patch.putObject("metadata");
          ObjectNode l = meta.putObject("labels");
          nodeLabels.forEach(l::put);
          meta.putObject("annotations").put(NodeLifecyclePlanner.FENCING_ANNOTATION, Integer.toString(fencingSeconds));
          node = client.patch(Types.NODES, null, name, "application/merge-patch+json", patch);
        }
        String cidr = node.path("spec").path("podCIDR").asText("");
        if (!cidr.isEmpty()) {
          return cidr;
        }
      } catch (ApiException e) {
        log.warn("registering node {}: {}", name, e.getMessage());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("node " + name + " was given no pod range within 2 minutes: is the control plane's "
            + "--cluster-cidr used up?");
      }
      Thread.sleep(500);
    }
  }
}
