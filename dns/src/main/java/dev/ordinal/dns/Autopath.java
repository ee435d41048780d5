package dev.ordinal.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;

/**
 * Server-side search-path completion, as CoreDNS's autopath plugin does it for Kubernetes: the
 * server knows the asking pod's search list ({@code <ns>.svc.<zone> svc.<zone> <zone>}, from its
 * namespace) and walks it itself, answering the asked name with a CNAME to the first name that
 * exists plus that name's records, so the client needs one round trip instead of one per search
 * element. Two cases:
 *
 * <ul>
 *   <li>The asked name carries the first search element ({@code N.<ns>.svc.<zone>}, the first try of
 *       a resolver applying the list): try it, then {@code N.svc.<zone>}, {@code N.<zone>}; when the
 *       host adds no search domains of its own, last the bare {@code N}, forwarded (the plan's
 *       {@link Plan#forward}) unless it is itself in the cluster domain. This is CoreDNS's
 *       behaviour.
 *   <li>The asked name is outside the cluster domain with fewer dots than the pod's ndots, so a
 *       resolver applying the list would have tried it there first: try {@code N.<ns>.svc.<zone>},
 *       {@code N.svc.<zone>}, {@code N.<zone>}, and forward {@code N} as usual if none exists. CoreDNS
 *       does not do this; it is here for resolvers that send a dotted name as it is, as BusyBox's
 *       nslookup does ({@code nslookup web-0.nginx}, {@code nslookup kubernetes.default}).
 * </ul>
 *
 * When nothing is found the original answer stands and the client goes on with its list. Pure.
 */
final class Autopath {
  private Autopath() {}

  /** Names to try in order in the cluster domain, and (or null) a name outside it to forward last. */
  record Plan(List<Name> local, Name forward) {
    static final Plan NONE = new Plan(List.of(), null);

    boolean isEmpty() {
      return local.isEmpty() && forward == null;
    }
  }

  /**
   * @param podNamespace the asking pod's namespace, or null when the client is not a pod (no
   *     autopath then: its search list is unknown)
   * @param ndots the pod's ndots (5 unless its dnsConfig says otherwise)
   * @param hostSearches whether pods' search lists go on after the cluster's with the host's domains
   */
  static Plan plan(Name asked, String podNamespace, int ndots, Name zone, boolean hostSearches) {
    if (podNamespace == null || podNamespace.isEmpty()) {
      return Plan.NONE;
    }
    Name first = concat(podNamespace + ".svc", zone);
    Name svc = concat("svc", zone);
    if (asked.subdomain(first)) {
      if (asked.equals(first)) {
        return Plan.NONE;
      }
      Name bare = asked.relativize(first);
      List<Name> local = new ArrayList<>(List.of(asked));
      addIfFits(local, bare, svc);
      addIfFits(local, bare, zone);
      if (hostSearches) {
        return new Plan(local, null); // the client goes on with the host's domains before the bare name
      }
      Name last = absolute(bare);
      if (last.subdomain(zone)) {
        local.add(last); // a cluster name asked with the search list applied: ours, not forwarded
        return new Plan(local, null);
      }
      return new Plan(local, last);
    }
    if (asked.subdomain(zone) || asked.labels() - 2 >= ndots || asked.labels() <= 1) {
      // in the domain (answered as asked), enough dots to be tried as is first, or the root
      return Plan.NONE;
    }
    Name bare = asked.relativize(Name.root);
    List<Name> local = new ArrayList<>();
    addIfFits(local, bare, first);
    addIfFits(local, bare, svc);
    addIfFits(local, bare, zone);
    return new Plan(local, null);
  }

  /**
   * The first name of the plan that exists, answered for the asked name: its records behind a
   * CNAME from the asked name (none when the asked name itself exists). Empty when none exists.
   */
  static Optional<ClusterAnswers.Answer> firstFound(Name asked, Plan plan, Function<Name, ClusterAnswers.Answer> lookup) {
    for (Name candidate : plan.local()) {
      ClusterAnswers.Answer a = lookup.apply(candidate);
      if (a.rcode() != Rcode.NXDOMAIN) {
        return Optional.of(candidate.equals(asked) ? a : new ClusterAnswers.Answer(a.rcode(), cname(asked, candidate, a.records()), a.soa()));
      }
    }
    return Optional.empty();
  }

  /** A CNAME from the asked name to the found one, then the found name's records. */
  static List<Record> cname(Name asked, Name target, List<Record> records) {
    List<Record> out = new ArrayList<>();
    out.add(new CNAMERecord(asked, DClass.IN, ClusterAnswers.TTL, target));
    out.addAll(records);
    return out;
  }

  /** ndots from a pod's dnsConfig options (kubelet's default 5 otherwise). */
  static int ndots(com.fasterxml.jackson.databind.JsonNode pod) {
    for (var o : pod.path("spec").path("dnsConfig").path("options")) {
      if (o.path("name").asText().equals("ndots")) {
        try {
          return Integer.parseInt(o.path("value").asText());
        } catch (NumberFormatException e) {
          return 5;
        }
      }
    }
    return 5;
  }

  /** Whether the pod's resolv.conf has the cluster search list (ClusterFirst, not on the host network). */
  static boolean usesClusterSearch(com.fasterxml.jackson.databind.JsonNode pod) {
    String policy = pod.path("spec").path("dnsPolicy").asText("ClusterFirst");
    boolean hostNetwork = pod.path("spec").path("hostNetwork").asBoolean(false);
    return policy.equals("ClusterFirstWithHostNet") || (policy.equals("ClusterFirst") && !hostNetwork);
  }

  private static void addIfFits(List<Name> out, Name relative, Name suffix) {
    try {
      out.add(Name.concatenate(relative, suffix));
    } catch (NameTooLongException e) {
      // a search element that makes the name too long is skipped, as resolvers skip it
    }
  }

  private static Name absolute(Name relative) {
    try {
      return Name.concatenate(relative, Name.root);
    } catch (NameTooLongException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Name concat(String relative, Name zone) {
    try {
      return Name.concatenate(Name.fromString(relative), zone);
    } catch (TextParseException | NameTooLongException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
