package dev.ordinal.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.apiserver.nodes.AgentWire;
import dev.ordinal.apiserver.nodes.RemoteNode;
import dev.ordinal.apiserver.pki.Certificates;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.node.routes.HostRoutesPlanner;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * How the API server finds the agent of a node on another host: the Node's InternalIP and the port
 * it names in {@code status.daemonEndpoints.kubeletEndpoint}, reached with a client certificate
 * made at start for {@link AgentWire#API_SERVER_CLIENT} (kept in memory only: agents trust the CA,
 * not a particular certificate).
 */
final class RemoteAgents {
  private RemoteAgents() {}

  static Function<String, Optional<RemoteNode>> of(Client client, String localNode, ClusterCa ca) throws Exception {
    KeyPair key = Certificates.newKeyPair();
    X509Certificate cert = ca.issueClient(AgentWire.API_SERVER_CLIENT, List.of("system:masters"), key.getPublic(), Duration.ofDays(365));
    SSLContext tls = TlsContexts.of(ca.certificate(), key.getPrivate(), cert);
    Map<String, RemoteNode> byAddress = new ConcurrentHashMap<>();
    return name -> {
      if (name.equals(localNode)) {
        return Optional.empty();
      }
      JsonNode node = client.find(Types.NODES, null, name).orElse(null);
      if (node == null) {
        return Optional.empty();
      }
      int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
      String ip = HostRoutesPlanner.internalIp(node);
      if (port <= 0 || ip == null) {
        return Optional.empty();
      }
      return Optional.of(byAddress.computeIfAbsent(ip + ":" + port, k -> new RemoteNode(ip, port, tls)));
    };
  }
}
