package dev.ordinal.node.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The nat-table rules that make ClusterIPs work, as kube-proxy's iptables mode writes them: a
 * chain per Service port that picks one ready endpoint at random (each with the right
 * probability), with {@code sessionAffinity: ClientIP} keeping a client on its endpoint, and a
 * mark on hairpin traffic (a pod reaching itself through its Service) so that it is masqueraded
 * back through the bridge, and the host's own connections to Services sent from the bridge's
 * address. Nothing is masqueraded towards anywhere but the pods. A Service port without ready
 * endpoints is refused (ICMP port unreachable: "connection refused") from the filter table, as
 * kube-proxy does: REJECT is only valid there, and one REJECT in the nat table made the kernel
 * refuse the whole restore, every Service's rules with it. Pure: the text for
 * {@code iptables-restore}.
 */
final class ProxyRules {
  static final String SERVICES = "ORDINAL-SERVICES";
  static final String POSTROUTING = "ORDINAL-POSTROUTING";
  static final String HAIRPIN_MARK = "0x4000/0x4000";
  /** In the filter table: Service ports without endpoints. */
  static final String REJECT = "ORDINAL-REJECT";

  private ProxyRules() {}

  static String render(Collection<ObjectNode> services, BiFunction<String, String, Optional<ObjectNode>> endpoints, String podCidr) {
    List<String> chains = new ArrayList<>(List.of(SERVICES, POSTROUTING));
    List<String> rules = new ArrayList<>();
    List<String> rejects = new ArrayList<>();
    rules.add("-A " + POSTROUTING + " -m mark --mark " + HAIRPIN_MARK + " -j MASQUERADE");
    // the host reaching a Service: its address is not one pods can answer (they have no default
    // route), so the connection leaves the host as the bridge's own address
    rules.add("-A " + POSTROUTING + " ! -s " + podCidr + " -d " + podCidr + " -m conntrack --ctstate DNAT -j MASQUERADE");
    for (ObjectNode svc : services) {
      String ip = svc.path("spec").path("clusterIP").asText("");
      if (ip.isEmpty() || ip.equals("None")) {
        continue;
      }
      ObjectNode ep = endpoints.apply(Meta.namespace(svc), Meta.name(svc)).orElse(null);
      boolean affinity = svc.path("spec").path("sessionAffinity").asText("None").equals("ClientIP");
      int timeout = svc.path("spec").path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds").asInt(10800);
      for (JsonNode port : svc.path("spec").path("ports")) {
        String proto = port.path("protocol").asText("TCP").toLowerCase(Locale.ROOT);
        String svcChain = chain("SVC", Meta.namespace(svc) + "/" + Meta.name(svc) + ":" + port.path("name").asText() + proto);
        String match = " -d " + ip + "/32 -p " + proto + " --dport " + port.path("port").asInt()
            + " -m comment --comment \"" + Meta.namespace(svc) + "/" + Meta.name(svc);
        List<String[]> targets = targets(ep, port);
        if (targets.isEmpty()) {
          rejects.add("-A " + REJECT + match + " has no endpoints\" -j REJECT");
          continue;
        }
        chains.add(svcChain);
        rules.add("-A " + SERVICES + match + "\" -j " + svcChain);
        List<String> endpointChains = new ArrayList<>();
        for (String[] t : targets) {
          String epChain = chain("SEP", svcChain + t[0] + ":" + t[1]);
          chains.add(epChain);
          endpointChains.add(epChain);
          rules.add("-A " + epChain + " -s " + t[0] + "/32 -j MARK --set-xmark " + HAIRPIN_MARK);
          rules.add("-A " + epChain + (affinity ? " -m recent --name " + epChain + " --set --rsource" : "") + " -p " + proto
              + " -j DNAT --to-destination " + t[0] + ":" + t[1]);
        }
        if (affinity) {
          for (String epChain : endpointChains) {
            rules.add("-A " + svcChain + " -m recent --name " + epChain + " --rcheck --seconds " + timeout + " --reap --rsource -j " + epChain);
          }
        }
        for (int i = 0; i < endpointChains.size(); i++) {
          int left = endpointChains.size() - i;
          String pick = left == 1 ? "" : String.format(Locale.ROOT, " -m statistic --mode random --probability %.10f", 1.0 / left);
          rules.add("-A " + svcChain + pick + " -j " + endpointChains.get(i));
        }
      }
    }
    StringBuilder out = new StringBuilder("*filter\n:" + REJECT + " - [0:0]\n");
    rejects.forEach(r -> out.append(r).append('\n'));
    out.append("COMMIT\n*nat\n");
    chains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
    rules.forEach(r -> out.append(r).append('\n'));
    return out.append("COMMIT\n").toString();
  }

  /** Ready endpoint addresses with the port the Service port maps to (by name). */
  private static List<String[]> targets(ObjectNode ep, JsonNode servicePort) {
    List<String[]> out = new ArrayList<>();
    if (ep == null) {
      return out;
    }
    for (JsonNode subset : ep.path("subsets")) {
      int target = -1;
      for (JsonNode p : subset.path("ports")) {
        if (p.path("name").asText("").equals(servicePort.path("name").asText(""))) {
          target = p.path("port").asInt();
        }
      }
      if (target < 0) {
        continue;
      }
      for (JsonNode a : subset.path("addresses")) {
        out.add(new String[] {a.path("ip").asText(), String.valueOf(target)});
      }
    }
    return out;
  }

  /** Chain names are at most 28 characters: a prefix and a hash of what the chain is for. */
  static String chain(String kind, String of) {
    return "ORD-" + kind + "-" + Integer.toHexString(of.hashCode() & 0x7fffffff).toUpperCase(Locale.ROOT)
        + Integer.toHexString((of + "#").hashCode() & 0xffff).toUpperCase(Locale.ROOT);
  }
}
