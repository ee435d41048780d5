package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Services, Endpoints and EndpointSlices. */
final class NetworkPrinters {
  private NetworkPrinters() {}

  static final TablePrinter SERVICE = new Printer(List.of(
      Printer.NAME,
      col("Type", "string", "type determines how the Service is exposed."),
      col("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
      col("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
      col("Port(s)", "string", "The list of ports that are exposed by this service."),
      Printer.AGE,
      wide("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.")),
      (svc, now) -> {
        JsonNode spec = svc.path("spec");
        String type = Cells.text(spec, "type").isEmpty() ? "ClusterIP" : Cells.text(spec, "type");
        return List.of(Cells.text(svc, "metadata", "name"), type, Cells.orNone(Cells.text(spec, "clusterIP")),
            externalIp(svc, type), ports(spec.path("ports")), Cells.age(svc, now), Cells.keyValues(spec.path("selector")));
      });

  private static String externalIp(JsonNode svc, String type) {
    List<String> ips = new ArrayList<>(Cells.strings(svc.path("spec").path("externalIPs"), null));
    switch (type) {
      case "ExternalName" -> {
        return Cells.text(svc, "spec", "externalName");
      }
      case "LoadBalancer" -> {
        for (JsonNode in : svc.path("status").path("loadBalancer").path("ingress")) {
          ips.add(in.has("ip") ? in.path("ip").asText() : in.path("hostname").asText());
        }
        return ips.isEmpty() ? "<pending>" : String.join(",", ips);
      }
      default -> {
        return ips.isEmpty() ? Cells.NONE : String.join(",", ips);
      }
    }
  }

  private static String ports(JsonNode ports) {
    if (ports.isEmpty()) {
      return Cells.NONE;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode p : ports) {
      String proto = p.path("protocol").asText("TCP");
      String node = p.has("nodePort") ? ":" + p.path("nodePort").asText() : "";
      out.add(p.path("port").asText() + node + "/" + proto);
    }
    return String.join(",", out);
  }

  static final TablePrinter ENDPOINTS = new Printer(List.of(
      Printer.NAME,
      col("Endpoints", "string", "Endpoints of the service"),
      Printer.AGE),
      (ep, now) -> {
        List<String> all = new ArrayList<>();
        for (JsonNode subset : ep.path("subsets")) {
          for (JsonNode a : subset.path("addresses")) {
            if (subset.path("ports").isEmpty()) {
              all.add(a.path("ip").asText());
            }
            for (JsonNode p : subset.path("ports")) {
              all.add(a.path("ip").asText() + ":" + p.path("port").asText());
            }
          }
        }
        return List.of(Cells.text(ep, "metadata", "name"), abbreviated(all), Cells.age(ep, now));
      });

  static final TablePrinter ENDPOINT_SLICE = new Printer(List.of(
      Printer.NAME,
      col("AddressType", "string", "The IP protocol for this slice"),
      col("Ports", "string", "The ports of this slice"),
      col("Endpoints", "string", "The addresses of this slice"),
      Printer.AGE),
      (slice, now) -> {
        List<String> addresses = new ArrayList<>();
        for (JsonNode e : slice.path("endpoints")) {
          addresses.addAll(Cells.strings(e.path("addresses"), null));
        }
        List<String> ports = Cells.strings(slice.path("ports"), "port");
        return List.of(Cells.text(slice, "metadata", "name"), Cells.text(slice, "addressType"),
            ports.isEmpty() ? Cells.NONE : String.join(",", ports), abbreviated(addresses), Cells.age(slice, now));
      });

  /** At most three entries, then "+ N more...", as kubectl shortens endpoint lists. */
  private static String abbreviated(List<String> all) {
    if (all.isEmpty()) {
      return Cells.NONE;
    }
    if (all.size() <= 3) {
      return String.join(",", all);
    }
    return String.join(",", all.subList(0, 3)) + " + " + (all.size() - 3) + " more...";
  }
}
