package dev.ordinal.controllers.apiserverlease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.controllers.leaderelection.LeaseRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Pure: from the API servers' identity Leases in kube-system, which servers are live (their Lease
 * renewed within its duration), what the {@code default/kubernetes} Endpoints and EndpointSlice
 * must list, and which Leases have expired and are to be deleted (upstream's apiserver lease
 * garbage collector). A server says where it serves in its Lease's
 * {@value #ADDRESS_ANNOTATION} annotation.
 */
public final class ApiServerEndpointsPlanner {
  public static final String IDENTITY_LABEL = "apiserver.kubernetes.io/identity";
  public static final String IDENTITY = "kube-apiserver";
  public static final String ADDRESS_ANNOTATION = "ordinal.dev/advertise-address";

  /** A live server's address. */
  public record Address(String ip, int port) implements Comparable<Address> {
    @Override
    public int compareTo(Address o) {
      int c = Integer.compare(port, o.port);
      return c != 0 ? c : ip.compareTo(o.ip);
    }
  }

  /** The live servers (sorted), and the names of expired Leases. */
  public record Plan(List<Address> live, List<String> expired) {}

  private ApiServerEndpointsPlanner() {}

  public static Plan plan(Collection<? extends JsonNode> leases, Instant now) {
    TreeSet<Address> live = new TreeSet<>();
    List<String> expired = new ArrayList<>();
    for (JsonNode lease : leases) {
      if (!IDENTITY.equals(lease.path("metadata").path("labels").path(IDENTITY_LABEL).asText())) {
        continue;
      }
      LeaseRecord r = LeaseRecord.of(lease);
      if (r.renewTime().plusSeconds(r.durationSeconds()).isBefore(now)) {
        expired.add(lease.path("metadata").path("name").asText());
        continue;
      }
      Address a = parse(lease.path("metadata").path("annotations").path(ADDRESS_ANNOTATION).asText(""));
      if (a != null) {
        live.add(a);
      }
    }
    return new Plan(List.copyOf(live), expired);
  }

  static Address parse(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    try {
      return new Address(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The Endpoints' subsets: one per port (servers on one port share a subset, as on a real cluster). */
  public static ArrayNode subsets(List<Address> live) {
    Map<Integer, List<String>> byPort = new TreeMap<>();
    for (Address a : live) {
      byPort.computeIfAbsent(a.port(), p -> new ArrayList<>()).add(a.ip());
    }
    ArrayNode subsets = Json.MAPPER.createArrayNode();
    byPort.forEach((port, ips) -> {
      ObjectNode s = subsets.addObject();
      ArrayNode addresses = s.putArray("addresses");
      ips.stream().distinct().sorted().forEach(ip -> addresses.addObject().put("ip", ip));
      s.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    });
    return subsets;
  }

  /**
   * The EndpointSlice's endpoints and ports. A slice has one port list, so servers on other ports
   * than the first (only when several run on one host) are left out of it; the Endpoints list all.
   */
  public static ObjectNode slice(List<Address> live) {
    ObjectNode slice = Json.object();
    ArrayNode endpoints = slice.putArray("endpoints");
    ArrayNode ports = slice.putArray("ports");
    if (live.isEmpty()) {
      return slice;
    }
    int port = live.getFirst().port();
    live.stream().filter(a -> a.port() == port).map(Address::ip).distinct().sorted().forEach(ip -> {
      ObjectNode e = endpoints.addObject();
      e.putArray("addresses").add(ip);
      e.putObject("conditions").put("ready", true).put("serving", true).put("terminating", false);
    });
    ports.addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    return slice;
  }
}
