package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pod's /etc/resolv.conf as kubelet composes it from {@code dnsPolicy} and {@code dnsConfig}:
 * ClusterFirst (the default, and ClusterFirstWithHostNet) names the cluster DNS Service with
 * the search list {@code <ns>.svc.<domain> svc.<domain> <domain>} followed by the host's own
 * searches, and {@code ndots:5}; Default takes the host's resolv.conf (as does ClusterFirst for
 * a hostNetwork pod); None starts empty. {@code dnsConfig} is then appended: nameservers and
 * searches without duplicates, options merged by name (the pod's value wins). The result is cut
 * to kubelet's limits (3 nameservers, 32 searches). Pure.
 */
final class PodDns {
  static final String CLUSTER_DOMAIN = PodFiles.CLUSTER_DOMAIN;
  static final int MAX_NAMESERVERS = 3;
  static final int MAX_SEARCHES = 32;

  private PodDns() {}

  /** What a resolv.conf says: nameservers, searches and options (name to value, "" for none). */
  record Resolver(List<String> nameservers, List<String> searches, Map<String, String> options) {}

  /**
   * @param clusterDns the cluster DNS Service's address (kubelet's {@code --cluster-dns}); empty
   *     when there is none, which makes ClusterFirst fall back to the host's settings as kubelet does
   * @param hostResolvConf the text of the host's resolv.conf ("" when unreadable)
   */
  static String resolvConf(ObjectNode pod, String clusterDns, String hostResolvConf) {
    return render(resolver(pod, clusterDns, hostResolvConf));
  }

  static Resolver resolver(ObjectNode pod, String clusterDns, String hostResolvConf) {
    JsonNode spec = pod.path("spec");
    String policy = spec.path("dnsPolicy").asText("ClusterFirst");
    boolean hostNetwork = spec.path("hostNetwork").asBoolean(false);
    Resolver host = parse(hostResolvConf);
    Set<String> servers = new LinkedHashSet<>();
    Set<String> searches = new LinkedHashSet<>();
    Map<String, String> options = new LinkedHashMap<>();
    boolean cluster = policy.equals("ClusterFirstWithHostNet") || (policy.equals("ClusterFirst") && !hostNetwork);
    if (policy.equals("None")) {
      // only what dnsConfig says
    } else if (cluster && !clusterDns.isEmpty()) {
      servers.add(clusterDns);
      String ns = Meta.namespace(pod);
      searches.add(ns + ".svc." + CLUSTER_DOMAIN);
      searches.add("svc." + CLUSTER_DOMAIN);
      searches.add(CLUSTER_DOMAIN);
      searches.addAll(host.searches());
      options.put("ndots", "5");
    } else {
      servers.addAll(host.nameservers());
      searches.addAll(host.searches());
      options.putAll(host.options());
    }
    JsonNode cfg = spec.path("dnsConfig");
    cfg.path("nameservers").forEach(s -> servers.add(s.asText()));
    cfg.path("searches").forEach(s -> searches.add(s.asText()));
    for (JsonNode o : cfg.path("options")) {
      options.put(o.path("name").asText(), o.path("value").asText(""));
    }
    List<String> s = new ArrayList<>(servers);
    List<String> q = new ArrayList<>(searches);
    return new Resolver(s.subList(0, Math.min(s.size(), MAX_NAMESERVERS)), q.subList(0, Math.min(q.size(), MAX_SEARCHES)), options);
  }

  /** The nameserver, search (and domain) and options lines of a resolv.conf; the rest is ignored. */
  static Resolver parse(String text) {
    List<String> servers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 2 || f[0].startsWith("#") || f[0].startsWith(";")) {
        continue;
      }
      switch (f[0]) {
        case "nameserver" -> servers.add(f[1]);
        case "search", "domain" -> {
          searches.clear(); // the last search or domain line wins, as in resolv.conf(5)
          for (int i = 1; i < f.length; i++) {
            searches.add(f[i]);
          }
        }
        case "options" -> {
          for (int i = 1; i < f.length; i++) {
            int colon = f[i].indexOf(':');
            options.put(colon < 0 ? f[i] : f[i].substring(0, colon), colon < 0 ? "" : f[i].substring(colon + 1));
          }
        }
        default -> {
          // sortlist and the like: not passed on
        }
      }
    }
    return new Resolver(servers, searches, options);
  }

  static String render(Resolver r) {
    StringBuilder b = new StringBuilder();
    if (!r.searches().isEmpty()) {
      b.append("search ").append(String.join(" ", r.searches())).append('\n');
    }
    r.nameservers().forEach(s -> b.append("nameserver ").append(s).append('\n'));
    if (!r.options().isEmpty()) {
      List<String> opts = new ArrayList<>();
      r.options().forEach((k, v) -> opts.add(v.isEmpty() ? k : k + ":" + v));
      b.append("options ").append(String.join(" ", opts)).append('\n');
    }
    return b.toString();
  }
}
