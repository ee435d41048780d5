package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.rbac.BootstrapPolicy;
import dev.ordinal.controllers.snapshot.DefaultSnapshotClass;
import dev.ordinal.controllers.volume.DefaultStorageClass;

/** The objects every cluster starts with, created through the API if missing. */
final class Bootstrap {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Bootstrap.class);

  private Bootstrap() {}

  static void ensureSystemObjects(Client client) {
    for (String ns : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      ObjectNode obj = Json.object();
      obj.put("apiVersion", "v1").put("kind", "Namespace");
      obj.putObject("metadata").put("name", ns);
      try {
        client.create(Types.NAMESPACES, null, obj);
      } catch (ApiException e) {
        if (e.code() != 409) {
          throw e;
        }
      }
    }
    DefaultStorageClass.ensure(client);
    DefaultSnapshotClass.ensure(client);
    BootstrapPolicy.ensure(client);
  }

  /**
   * The {@code kubernetes} Service in {@code default} (10.96.0.1:443, as on every cluster) and its
   * Endpoints naming where the API server listens, rewritten at each start (the port may change).
   */
  static void ensureKubernetesService(Client client, String listen, int port) {
    ensureKubernetesServiceObject(client, port);
    writeKubernetesEndpoints(client, listen, port);
  }

  /** The {@code kubernetes} Service alone: with several servers, its Endpoints are {@code ApiServerLeases}'. */
  static void ensureKubernetesServiceObject(Client client, int port) {
    ObjectNode svc = Json.object();
    svc.put("apiVersion", "v1").put("kind", "Service");
    svc.putObject("metadata").put("name", "kubernetes").put("namespace", "default").putObject("labels")
        .put("component", "apiserver").put("provider", "kubernetes");
    svc.putObject("spec").put("type", "ClusterIP").putArray("ports").addObject().put("name", "https").put("port", 443)
        .put("protocol", "TCP").put("targetPort", port);
    try {
      client.create(Types.SERVICES, "default", svc);
    } catch (ApiException e) {
      if (e.code() != 409) {
        throw e;
      }
    }
  }

  private static void writeKubernetesEndpoints(Client client, String listen, int port) {
    ObjectNode ep = client.find(Types.ENDPOINTS, "default", "kubernetes").orElse(null);
    ObjectNode fresh = ep == null ? Json.object() : ep;
    fresh.put("apiVersion", "v1").put("kind", "Endpoints");
    fresh.with("metadata").put("name", "kubernetes").put("namespace", "default");
    ObjectNode subset = fresh.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", listen.equals("0.0.0.0") ? "127.0.0.1" : listen);
    subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    if (ep == null) {
      client.create(Types.ENDPOINTS, "default", fresh);
    } else {
      client.update(Types.ENDPOINTS, fresh);
    }
  }

  /** kubeadm's address for the cluster DNS Service: the tenth of the service range. */
  static final String KUBE_DNS_IP = "10.96.0.10";

  /**
   * The {@code kube-system/kube-dns} Service as kubeadm makes it for CoreDNS (10.96.0.10, ports
   * {@code dns} 53/UDP and {@code dns-tcp} 53/TCP, the same labels), but without a selector: the
   * DNS is not a pod here, it is this process on the node's bridge gateway, so the Service's
   * Endpoints and EndpointSlice (as the mirroring controller would write for a selectorless
   * Service) name {@code dnsAddress}:53, rewritten at each start as the {@code kubernetes}
   * Service's are. No metrics port: nothing serves 9153. An existing Service is kept as it is.
   *
   * @return the Service's cluster IP, for pods' resolv.conf; empty when it could not be made
   *     (its address taken by another Service), and pods then name the gateway itself
   */
  static java.util.Optional<String> ensureKubeDnsService(Client client, String dnsAddress) {
    ObjectNode svc = client.find(Types.SERVICES, "kube-system", "kube-dns").orElse(null);
    if (svc == null) {
      ObjectNode fresh = Json.object();
      fresh.put("apiVersion", "v1").put("kind", "Service");
      ObjectNode meta = fresh.putObject("metadata").put("name", "kube-dns").put("namespace", "kube-system");
      meta.putObject("labels").put("k8s-app", "kube-dns").put("kubernetes.io/cluster-service", "true")
          .put("kubernetes.io/name", "CoreDNS");
      ObjectNode spec = fresh.putObject("spec").put("type", "ClusterIP").put("clusterIP", KUBE_DNS_IP);
      spec.putArray("clusterIPs").add(KUBE_DNS_IP);
      var ports = spec.putArray("ports");
      ports.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP").put("targetPort", 53);
      ports.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP").put("targetPort", 53);
      try {
        svc = client.create(Types.SERVICES, "kube-system", fresh);
      } catch (ApiException e) {
        if (e.code() != 409) {
          log.warn("no kube-dns Service ({}): pods name the DNS at {} directly", e.getMessage(), dnsAddress);
          return java.util.Optional.empty();
        }
        svc = client.get(Types.SERVICES, "kube-system", "kube-dns");
      }
    }
    ObjectNode ep = client.find(Types.ENDPOINTS, "kube-system", "kube-dns").orElse(null);
    ObjectNode endpoints = ep == null ? Json.object() : ep;
    endpoints.put("apiVersion", "v1").put("kind", "Endpoints");
    endpoints.with("metadata").put("name", "kube-dns").put("namespace", "kube-system").with("labels").put("k8s-app", "kube-dns");
    ObjectNode subset = endpoints.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", dnsAddress);
    var epPorts = subset.putArray("ports");
    epPorts.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP");
    epPorts.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP");
    upsert(client, Types.ENDPOINTS, ep, endpoints);
    ObjectNode old = client.find(Types.ENDPOINT_SLICES, "kube-system", "kube-dns").orElse(null);
    ObjectNode slice = old == null ? Json.object() : old;
    slice.put("apiVersion", "discovery.k8s.io/v1").put("kind", "EndpointSlice").put("addressType", "IPv4");
    slice.with("metadata").put("name", "kube-dns").put("namespace", "kube-system").with("labels")
        .put("kubernetes.io/service-name", "kube-dns")
        .put("endpointslice.kubernetes.io/managed-by", "endpointslicemirroring-controller.k8s.io");
    ObjectNode endpoint = slice.putArray("endpoints").addObject();
    endpoint.putArray("addresses").add(dnsAddress);
    endpoint.putObject("conditions").put("ready", true).put("serving", true).put("terminating", false);
    var slicePorts = slice.putArray("ports");
    slicePorts.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP");
    slicePorts.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP");
    upsert(client, Types.ENDPOINT_SLICES, old, slice);
    String ip = svc.path("spec").path("clusterIP").asText("");
    return ip.isEmpty() || ip.equals("None") ? java.util.Optional.empty() : java.util.Optional.of(ip);
  }

  private static void upsert(Client client, dev.ordinal.api.ResourceType type, ObjectNode old, ObjectNode fresh) {
    if (old == null) {
      client.create(type, "kube-system", fresh);
    } else {
      client.update(type, fresh);
    }
  }
}
