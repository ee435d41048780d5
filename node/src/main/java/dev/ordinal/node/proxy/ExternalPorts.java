package dev.ordinal.node.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where this node takes traffic from outside for Services, as kube-proxy serves node ports and
 * k3s' ServiceLB serves LoadBalancers on the node's own address: one listener per node port of a
 * NodePort or LoadBalancer Service, and for a LoadBalancer one per port on the ingress address
 * too. Each listener forwards to the Service's cluster IP and port, whose nat rules pick a ready
 * pod. Only TCP and UDP are served (SCTP is not relayed, and a LoadBalancer with an SCTP port gets no ingress). Two Services asking for one address and
 * port (two LoadBalancers on port 80) cannot both have it: the older Service keeps it, as with
 * ServiceLB's host ports, and the other gets no listener there and no ingress. Pure.
 */
final class ExternalPorts {
  private ExternalPorts() {}

  /** One address and port this node listens on, and where what arrives there goes. */
  record Listener(String protocol, String address, int port, String clusterIp, int servicePort, String service) {
    /** What is bound: two listeners with one endpoint cannot both be open. */
    String endpoint() {
      return address + ":" + port + "/" + protocol;
    }

    @Override
    public String toString() {
      return endpoint() + " -> " + clusterIp + ":" + servicePort + " (" + service + ")";
    }
  }

  /**
   * What to listen on, and the LoadBalancers it is for.
   *
   * @param listeners every listener, each endpoint once
   * @param loadBalancers each LoadBalancer Service (namespace/name) with the listeners it needs;
   *     one that lost an endpoint to an older Service has {@link #UNSERVABLE} among them
   */
  record Plan(List<Listener> listeners, Map<String, List<Listener>> loadBalancers) {
    /**
     * The LoadBalancers to show as served: those whose listeners are all open.
     *
     * @param open the listeners that are open now
     */
    Set<String> served(Set<Listener> open) {
      Set<String> out = new java.util.TreeSet<>();
      loadBalancers.forEach((svc, needs) -> {
        if (open.containsAll(needs)) {
          out.add(svc);
        }
      });
      return out;
    }
  }

  /** Stands in for an endpoint an older Service holds: never open, so the LoadBalancer is never served. */
  static final Listener UNSERVABLE = new Listener("", "", 0, "", 0, "");

  /**
   * @param services the Services as the informer holds them
   * @param address where node ports and LoadBalancers are served (the ingress address)
   */
  static Plan plan(Collection<ObjectNode> services, String address) {
    List<ObjectNode> ordered = new ArrayList<>(services);
    // the older Service keeps a contested endpoint; the key breaks ties so the plan is stable
    ordered.sort(Comparator.comparing((ObjectNode s) -> Meta.of(s).path("creationTimestamp").asText(""))
        .thenComparing(ExternalPorts::key));
    Map<String, Listener> byEndpoint = new LinkedHashMap<>();
    Map<String, List<Listener>> loadBalancers = new LinkedHashMap<>();
    for (ObjectNode svc : ordered) {
      JsonNode spec = svc.path("spec");
      String type = spec.path("type").asText("ClusterIP");
      String clusterIp = spec.path("clusterIP").asText("");
      boolean lb = type.equals("LoadBalancer");
      if (!(lb || type.equals("NodePort")) || clusterIp.isEmpty() || clusterIp.equals("None")) {
        continue;
      }
      String key = key(svc);
      List<Listener> needs = new ArrayList<>();
      boolean lost = false;
      for (JsonNode p : spec.path("ports")) {
        String protocol = p.path("protocol").asText("TCP");
        if (!protocol.equals("TCP") && !protocol.equals("UDP")) {
          lost = true; // a LoadBalancer with a port it cannot have is not shown as served
          continue;
        }
        int port = p.path("port").asInt();
        int nodePort = p.path("nodePort").asInt(0);
        if (nodePort != 0) {
          needs.add(new Listener(protocol, address, nodePort, clusterIp, port, key));
        }
        if (lb) {
          needs.add(new Listener(protocol, address, port, clusterIp, port, key));
        }
      }
      Map<String, Listener> mine = new HashMap<>();
      for (Listener l : needs) {
        Listener holder = byEndpoint.get(l.endpoint());
        if (holder == null) {
          byEndpoint.put(l.endpoint(), l);
          mine.put(l.endpoint(), l);
        } else if (!holder.equals(l)) {
          lost = true; // an older Service's, or one endpoint for two ports of this Service
        }
      }
      if (lb) {
        List<Listener> wanted = new ArrayList<>(mine.values());
        if (lost) {
          wanted.add(UNSERVABLE);
        }
        loadBalancers.put(key, wanted);
      }
    }
    return new Plan(List.copyOf(byEndpoint.values()), loadBalancers);
  }

  private static String key(ObjectNode svc) {
    return Meta.namespace(svc) + "/" + Meta.name(svc);
  }
}
