package dev.ordinal.node;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The Node object of this agent and its Lease heartbeat, as a kubelet keeps them. */
final class NodeRegistration {
  static final String LEASE_NAMESPACE = "kube-node-lease";

  private final Client client;
  private final String nodeName;
  private final String runtimeVersion;
  private final int podCapacity;

  private final NodeAgent.Host host;

  NodeRegistration(Client client, String nodeName, String runtimeVersion, int podCapacity, NodeAgent.Host host) {
    this.host = host;
    this.client = client;
    this.nodeName = nodeName;
    this.runtimeVersion = runtimeVersion;
    this.podCapacity = podCapacity;
  }

  /** Creates the Node if needed and reports it Ready with this machine's capacity. */
  void register() {
    ObjectNode node = client.find(Types.NODES, null, nodeName).orElse(null);
    if (node == null) {
      ObjectNode fresh = Json.object();
      fresh.put("apiVersion", "v1").put("kind", "Node");
      ObjectNode labels = fresh.putObject("metadata").put("name", nodeName).putObject("labels");
      labels.put("kubernetes.io/hostname", nodeName).put("kubernetes.io/os", "linux")
          .put("kubernetes.io/arch", System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64")
          .put("beta.kubernetes.io/os", "linux");
      host.labels().forEach(labels::put);
      if (host.podCidr() != null) {
        fresh.putObject("spec").put("podCIDR", host.podCidr()).putArray("podCIDRs").add(host.podCidr());
      }
      try {
        node = client.create(Types.NODES, null, fresh);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
        node = client.get(Types.NODES, null, nodeName);
      }
    }
    node.set("status", status(node));
    client.updateStatus(Types.NODES, node);
  }

  private ObjectNode status(ObjectNode node) {
    ObjectNode status = Json.object();
    String now = Meta.now();
    ObjectNode capacity = status.putObject("capacity");
    capacity.put("cpu", Integer.toString(Runtime.getRuntime().availableProcessors()));
    capacity.put("memory", (MachineMemory.totalBytes() / 1024) + "Ki");
    capacity.put("pods", Integer.toString(podCapacity)).put("ephemeral-storage", "100Gi");
    status.set("allocatable", capacity.deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    String readySince = now;
    for (var c : node.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
        readySince = c.path("lastTransitionTime").asText(now);
      }
    }
    conditions.addObject().put("type", "Ready").put("status", "True").put("reason", "KubeletReady")
        .put("message", "ordinal node agent is posting ready status").put("lastHeartbeatTime", now)
        .put("lastTransitionTime", readySince);
    for (String pressure : new String[] {"MemoryPressure", "DiskPressure", "PIDPressure"}) {
      conditions.addObject().put("type", pressure).put("status", "False").put("reason", "KubeletHasSufficient" + pressure.replace("Pressure", ""))
          .put("lastHeartbeatTime", now).put("lastTransitionTime", readySince);
    }
    ArrayNode addresses = status.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", host.address());
    if (host.agentPort() > 0) {
      status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", host.agentPort());
    }
    addresses.addObject().put("type", "Hostname").put("address", nodeName);
    ObjectNode info = status.putObject("nodeInfo");
    info.put("kubeletVersion", "v1.32.0-ordinal").put("kubeProxyVersion", "").put("containerRuntimeVersion", runtimeVersion);
    info.put("operatingSystem", "linux").put("architecture", System.getProperty("os.arch"));
    info.put("osImage", OsRelease.prettyName()).put("kernelVersion", System.getProperty("os.version"));
    info.put("machineID", "").put("systemUUID", "").put("bootID", "");
    return status;
  }

  /** Renews (or creates) the node's Lease in kube-node-lease. */
  void renewLease() {
    String renew = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MICROS));
    ObjectNode lease = client.find(Types.LEASES, LEASE_NAMESPACE, nodeName).orElse(null);
    if (lease == null) {
      lease = Json.object();
      lease.put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
      lease.putObject("metadata").put("name", nodeName).put("namespace", LEASE_NAMESPACE);
      lease.putObject("spec").put("holderIdentity", nodeName).put("leaseDurationSeconds", 40).put("renewTime", renew);
      client.create(Types.LEASES, LEASE_NAMESPACE, lease);
      return;
    }
    lease.with("spec").put("holderIdentity", nodeName).put("leaseDurationSeconds", 40).put("renewTime", renew);
    client.update(Types.LEASES, lease);
  }
}
