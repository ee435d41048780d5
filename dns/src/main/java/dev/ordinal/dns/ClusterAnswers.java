package dev.ordinal.dns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Answers for names under the cluster domain, as the Kubernetes DNS specification lays them out:
 * {@code <svc>.<ns>.svc} (ClusterIP, or a headless Service's ready endpoints),
 * {@code <hostname>.<svc>.<ns>.svc} (a pod whose subdomain is the Service — answered as soon as
 * the pod has an IP, not only once it is ready), {@code _<port>._<proto>.<svc>.<ns>.svc} SRV,
 * {@code <a-b-c-d>.<ns>.pod}, and PTR for pod and Service IPs. Anything else in the domain is
 * NXDOMAIN with the zone's SOA. Pure over a {@link ClusterView}.
 */
final class ClusterAnswers {
  static final long TTL = 5;

  /** The outcome of a lookup: a response code, answers, and the SOA for negative answers. */
  record Answer(int rcode, List<Record> records, Record soa) {}

  private final ClusterView view;
  private final Name zone;
  private final Name reverse = Name.fromConstantString("in-addr.arpa.");

  ClusterAnswers(ClusterView view, String domain) {
    this.view = view;
    this.zone = Name.fromConstantString(domain.endsWith(".") ? domain : domain + ".");
  }

  boolean isOurs(Name name) {
    return name.subdomain(zone) || name.subdomain(reverse);
  }

  Answer answer(Name name, int type) {
    List<Record> out = new ArrayList<>();
    boolean exists = name.subdomain(reverse) ? ptr(name, type, out) : lookup(name, type, out);
    return new Answer(exists ? Rcode.NOERROR : Rcode.NXDOMAIN, out, soa());
  }

  private boolean lookup(Name name, int type, List<Record> out) {
    String[] labels = relative(name);
    int n = labels.length;
    if (n == 0 || (n == 1 && (labels[0].equals("svc") || labels[0].equals("pod")))) {
      return true; // the zone and its branches exist, with nothing of the asked type
    }
    if (labels[n - 1].equals("pod") && n == 3) {
      return podByAddress(name, labels[0], type, out);
    }
    if (!labels[n - 1].equals("svc") || n < 3) {
      return n == 2 && labels[1].equals("svc"); // "<ns>.svc" exists when asked about
    }
    String ns = labels[n - 2];
    if (n == 3) {
      return service(name, ns, labels[0], type, out);
    }
    if (n == 4) {
      return member(name, ns, labels[1], labels[0], type, out);
    }
    if (n == 5 && labels[0].startsWith("_") && labels[1].startsWith("_")) {
      return srv(name, ns, labels[2], labels[0].substring(1), labels[1].substring(1), type, out);
    }
    return false;
  }

  private boolean service(Name name, String ns, String svcName, int type, List<Record> out) {
    ObjectNode svc = view.service(ns, svcName).orElse(null);
    if (svc == null) {
      return false;
    }
    if (type == Type.A || type == Type.ANY) {
      for (String ip : serviceAddresses(svc)) {
        out.add(a(name, ip));
      }
    }
    if (type == Type.SRV) {
      return true;
    }
    return true;
  }

  /** A ClusterIP, or a headless Service's ready endpoints (all with publishNotReadyAddresses, already in addresses). */
  private List<String> serviceAddresses(ObjectNode svc) {
    String clusterIp = svc.path("spec").path("clusterIP").asText("");
    if (!clusterIp.isEmpty() && !clusterIp.equals("None")) {
      return List.of(clusterIp);
    }
    Set<String> ips = new LinkedHashSet<>();
    view.endpoints(Meta.namespace(svc), Meta.name(svc)).ifPresent(ep -> {
      for (JsonNode subset : ep.path("subsets")) {
        subset.path("addresses").forEach(a -> ips.add(a.path("ip").asText()));
      }
    });
    return new ArrayList<>(ips);
  }

  /** {@code <hostname>.<svc>.<ns>.svc}: the pod with that hostname whose subdomain is the Service. */
  private boolean member(Name name, String ns, String svcName, String hostname, int type, List<Record> out) {
    if (view.service(ns, svcName).isEmpty()) {
      return false;
    }
    for (ObjectNode pod : view.pods(ns)) {
      String ip = pod.path("status").path("podIP").asText("");
      if (hostname.equals(pod.path("spec").path("hostname").asText().toLowerCase(Locale.ROOT))
          && svcName.equals(pod.path("spec").path("subdomain").asText()) && !ip.isEmpty() && !Meta.isDeleting(pod)) {
        if (type == Type.A || type == Type.ANY) {
          out.add(a(name, ip));
        }
        return true;
      }
    }
    return false;
  }

  private boolean srv(Name name, String ns, String svcName, String port, String proto, int type, List<Record> out) {
    ObjectNode svc = view.service(ns, svcName).orElse(null);
    if (svc == null) {
      return false;
    }
    JsonNode match = null;
    for (JsonNode p : svc.path("spec").path("ports")) {
      if (p.path("name").asText().equals(port) && p.path("protocol").asText("TCP").equalsIgnoreCase(proto)) {
        match = p;
      }
    }
    if (match == null) {
      return false;
    }
    if (type != Type.SRV && type != Type.ANY) {
      return true;
    }
    Name svcFqdn = child(svcName + "." + ns + ".svc");
    String clusterIp = svc.path("spec").path("clusterIP").asText("");
    if (!clusterIp.isEmpty() && !clusterIp.equals("None")) {
      out.add(new SRVRecord(name, DClass.IN, TTL, 0, 100, match.path("port").asInt(), svcFqdn));
      return true;
    }
    ObjectNode ep = view.endpoints(ns, svcName).orElse(null);
    if (ep != null) {
      for (JsonNode subset : ep.path("subsets")) {
        int target = match.path("port").asInt();
        for (JsonNode p : subset.path("ports")) {
          if (p.path("name").asText().equals(port)) {
            target = p.path("port").asInt();
          }
        }
        for (JsonNode a : subset.path("addresses")) {
          String host = a.path("hostname").asText(a.path("ip").asText().replace('.', '-'));
          out.add(new SRVRecord(name, DClass.IN, TTL, 0, 100, target, child(host + "." + svcName + "." + ns + ".svc")));
        }
      }
    }
    return true;
  }

  private boolean podByAddress(Name name, String dashed, int type, List<Record> out) {
    String ip = dashed.replace('-', '.');
    if (!ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      return false;
    }
    if (type == Type.A || type == Type.ANY) {
      out.add(a(name, ip));
    }
    return true;
  }

  private boolean ptr(Name name, int type, List<Record> out) {
    String[] labels = name.toString(true).split("\\.");
    if (labels.length != 6) {
      return false;
    }
    String ip = labels[3] + "." + labels[2] + "." + labels[1] + "." + labels[0];
    Name target = null;
    for (ObjectNode pod : view.allPods()) {
      String sub = pod.path("spec").path("subdomain").asText("");
      if (ip.equals(pod.path("status").path("podIP").asText()) && !sub.isEmpty() && !Meta.isDeleting(pod)) {
        target = child(pod.path("spec").path("hostname").asText(Meta.name(pod)) + "." + sub + "." + Meta.namespace(pod) + ".svc");
      }
    }
    for (ObjectNode svc : view.allServices()) {
      if (ip.equals(svc.path("spec").path("clusterIP").asText())) {
        target = child(Meta.name(svc) + "." + Meta.namespace(svc) + ".svc");
      }
    }
    if (target == null) {
      return false;
    }
    if (type == Type.PTR || type == Type.ANY) {
      out.add(new PTRRecord(name, DClass.IN, TTL, target));
    }
    return true;
  }

  private String[] relative(Name name) {
    String rel = name.relativize(zone).toString(true);
    return rel.equals("@") || rel.isEmpty() ? new String[0] : rel.toLowerCase(Locale.ROOT).split("\\.");
  }

  private Name child(String relative) {
    try {
      return Name.concatenate(Name.fromString(relative), zone);
    } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static ARecord a(Name name, String ip) {
    try {
      return new ARecord(name, DClass.IN, TTL, InetAddress.getByName(ip));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(ip, e);
    }
  }

  SOARecord soa() {
    return new SOARecord(zone, DClass.IN, TTL, child("ns.dns"), child("hostmaster"), 1, 7200, 1800, 86400, TTL);
  }
}
