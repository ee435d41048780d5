package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A pod's network: a named network namespace ({@code ip netns}) joined to the {@code ord0} bridge
 * by the CNI bridge plugin with host-local addresses, and its loopback brought up. No masquerade:
 * pods reach each other and the host, nothing is routed off the machine.
 */
final class PodNetwork {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Path NETNS_DIR = Path.of("/run/netns");
  static final String SERVICE_RANGE = "10.96.0.0/12";

  private final Path pluginDir;
  private final Path ipamDir;
  private final String subnet;
  private final String gateway;
  private final List<String> podRoutes;

  PodNetwork(Path pluginDir, Path ipamDir, String subnet) {
    this(pluginDir, ipamDir, subnet, List.of());
  }

  /** @param podRoutes the other nodes' pod ranges (the cluster's), routed through this node's bridge */
  PodNetwork(Path pluginDir, Path ipamDir, String subnet, List<String> podRoutes) {
    this.pluginDir = pluginDir;
    this.ipamDir = ipamDir;
    this.subnet = subnet;
    this.gateway = gatewayOf(subnet);
    this.podRoutes = List.copyOf(podRoutes);
  }

  /** Whether any instance's pod still has a network namespace ({@code ordinal-<uid>}). */
  static boolean anyNamespace() throws IOException {
    Path netns = Path.of("/run/netns");
    if (!Files.isDirectory(netns)) {
      return false;
    }
    try (var names = Files.list(netns)) {
      return names.anyMatch(n -> n.getFileName().toString().startsWith("ordinal-"));
    }
  }

  /** Deletes the shared {@code ord0} bridge; nothing happens when it is not there. */
  static void removeBridge() throws IOException {
    if (HostCommand.run(List.of("ip", "link", "show", "ord0"), TIMEOUT).ok()) {
      HostCommand.check(List.of("ip", "link", "delete", "ord0"), TIMEOUT);
    }
  }

  /** The first address of the subnet: the bridge's, where pods find the cluster DNS. */
  static String gatewayOf(String cidr) {
    String[] ip = cidr.substring(0, cidr.indexOf('/')).split("\\.");
    return ip[0] + "." + ip[1] + "." + ip[2] + "." + (Integer.parseInt(ip[3]) + 1);
  }

  String gateway() {
    return gateway;
  }

  /**
   * Makes the bridge with its gateway address now, before the first pod (whose CNI ADD would make
   * it, and accepts it made): the cluster DNS and the API server listen on that address, and a
   * pod's first request must not race their binding. Safe to call again.
   */
  void ensureBridge() throws IOException {
    if (!HostCommand.run(List.of("ip", "link", "show", "ord0"), TIMEOUT).ok()) {
      HostCommand.check(List.of("ip", "link", "add", "ord0", "type", "bridge"), TIMEOUT);
    }
    pinBridgeAddress();
    String prefix = subnet.substring(subnet.indexOf('/'));
    HostCommand.check(List.of("ip", "addr", "replace", gateway + prefix, "dev", "ord0"), TIMEOUT);
    HostCommand.check(List.of("ip", "link", "set", "ord0", "up"), TIMEOUT);
  }

  /**
   * A bridge made without an address takes the lowest of its ports' MAC addresses, so it changes
   * whenever a pod whose veth has a lower one joins or that pod leaves; the other pods' ARP entries
   * for the gateway then name a MAC no one answers to, and everything they send through it (DNS,
   * Services, the API server) is lost for seconds until they ask again — during a rolling update, a
   * request in a hundred. Setting the address, even to the one it has, fixes it (the kernel keeps a
   * set address: addr_assign_type 3, NET_ADDR_SET). Set each time, from what {@code ip} reports:
   * /sys/class/net shows the devices of the namespace that mounted /sys, not this process's when
   * it was only moved into another network namespace (an agent under {@code nsenter --net}).
   */
  private static void pinBridgeAddress() throws IOException {
    String shown = HostCommand.check(List.of("ip", "-o", "link", "show", "dev", "ord0"), TIMEOUT);
    java.util.regex.Matcher mac = java.util.regex.Pattern.compile("link/ether ([0-9a-f:]{17})").matcher(shown);
    if (!mac.find()) {
      throw new IOException("no MAC address for ord0 in: " + shown.strip());
    }
    HostCommand.check(List.of("ip", "link", "set", "dev", "ord0", "address", mac.group(1)), TIMEOUT);
  }

  static String namespaceName(String podUid) {
    return "ordinal-" + podUid;
  }

  static Path namespacePath(String podUid) {
    return NETNS_DIR.resolve(namespaceName(podUid));
  }

  /** Creates the namespace and attaches it; returns the pod's IP. Safe to call again. */
  String setUp(String podUid) throws IOException {
    if (!Files.exists(namespacePath(podUid))) {
      HostCommand.check(List.of("ip", "netns", "add", namespaceName(podUid)), TIMEOUT);
    }
    cni("ADD", podUid, "lo", loopback());
    JsonNode result = Json.MAPPER.readTree(cni("ADD", podUid, "eth0", bridge()));
    for (JsonNode ip : result.path("ips")) {
      String address = ip.path("address").asText();
      if (address.contains(".")) {
        return address.substring(0, address.indexOf('/'));
      }
    }
    throw new IOException("the bridge plugin gave no IPv4 address: " + result);
  }

  /**
   * Detaches the namespace, releases its address and removes it; anything already gone is fine.
   * Returns true when neither the namespace nor an address reservation is left.
   */
  boolean tearDown(String podUid) throws IOException {
    if (Files.exists(namespacePath(podUid))) {
      try {
        cni("DEL", podUid, "eth0", bridge());
      } catch (IOException e) {
        // the address is released below, without the namespace; the namespace goes anyway
      }
      HostCommand.run(List.of("ip", "netns", "delete", namespaceName(podUid)), TIMEOUT);
    }
    if (reservations().contains(podUid)) {
      // no namespace (a reboot, a crash half-way): the plugin releases the address by container id alone
      HostCommand.run(List.of(pluginDir.resolve("bridge").toString()), cniEnv("DEL", podUid, "eth0", ""),
          Json.MAPPER.writeValueAsString(bridge()), TIMEOUT);
    }
    return !Files.exists(namespacePath(podUid)) && !reservations().contains(podUid);
  }

  /**
   * The pods (container ids) that hold an address in this node's reservations: host-local keeps one
   * file per address under its data directory, named by the address, starting with the id.
   */
  java.util.Set<String> reservations() throws IOException {
    Path network = ipamDir.resolve("ordinal");
    java.util.Set<String> out = new java.util.HashSet<>();
    if (!Files.isDirectory(network)) {
      return out;
    }
    try (var files = Files.list(network)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().matches("[0-9.]+|[0-9a-fA-F:]+") && Files.isRegularFile(f)) {
          String id = Files.readString(f).lines().findFirst().orElse("").strip();
          if (!id.isEmpty()) {
            out.add(id);
          }
        }
      }
    }
    return out;
  }

  private String cni(String command, String podUid, String ifName, ObjectNode config) throws IOException {
    String plugin = config.path("type").asText();
    HostCommand.Result r = HostCommand.run(List.of(pluginDir.resolve(plugin).toString()),
        cniEnv(command, podUid, ifName, namespacePath(podUid).toString()), Json.MAPPER.writeValueAsString(config), TIMEOUT);
    if (!r.ok()) {
      throw new IOException("CNI " + plugin + " " + command + " failed: " + r.stdout().strip() + " " + r.stderr().strip());
    }
    return r.stdout();
  }

  private Map<String, String> cniEnv(String command, String podUid, String ifName, String netns) {
    return Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", podUid, "CNI_NETNS", netns, "CNI_IFNAME", ifName,
        "CNI_PATH", pluginDir.toString());
  }

  private static ObjectNode loopback() {
    ObjectNode c = Json.object();
    c.put("cniVersion", "1.0.0").put("name", "ordinal-lo").put("type", "loopback");
    return c;
  }

  // package-private for its test
  ObjectNode bridge() {
    ObjectNode c = Json.object();
    c.put("cniVersion", "1.0.0").put("name", "ordinal").put("type", "bridge").put("bridge", "ord0")
        .put("isGateway", true).put("ipMasq", false).put("hairpinMode", true);
    ObjectNode ipam = c.putObject("ipam");
    ipam.put("type", "host-local").put("dataDir", ipamDir.toString());
    ipam.putArray("ranges").addArray().addObject().put("subnet", subnet).put("gateway", gateway);
    // no default route (nothing leaves the machine); ClusterIPs are reached through the host
    var routes = ipam.putArray("routes");
    routes.addObject().put("dst", SERVICE_RANGE);
    // other nodes' pods, through this host, which routes each range to its node (host-gw)
    for (String r : podRoutes) {
      if (!r.equals(subnet)) {
        routes.addObject().put("dst", r);
      }
    }
    return c;
  }
}
