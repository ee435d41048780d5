package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Nodes, Namespaces, Events and Leases. */
final class ClusterPrinters {
  private ClusterPrinters() {}

  static final TablePrinter NODE = new Printer(List.of(
      Printer.NAME,
      col("Status", "string", "The status of the node"),
      col("Roles", "string", "The roles of the node"),
      Printer.AGE,
      col("Version", "string", "Kubelet Version reported by the node."),
      wide("Internal-IP", "string", "List of addresses reachable to the node."),
      wide("External-IP", "string", "List of addresses reachable to the node."),
      wide("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
      wide("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
      wide("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).")),
      (node, now) -> {
        List<String> status = new ArrayList<>();
        for (JsonNode c : node.path("status").path("conditions")) {
          if (c.path("type").asText().equals("Ready")) {
            status.add(c.path("status").asText().equals("True") ? "Ready" : "NotReady");
          }
        }
        if (status.isEmpty()) {
          status.add("Unknown");
        }
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
          status.add("SchedulingDisabled");
        }
        List<String> roles = new ArrayList<>();
        node.path("metadata").path("labels").fieldNames().forEachRemaining(k -> {
          if (k.startsWith("node-role.kubernetes.io/")) {
            roles.add(k.substring("node-role.kubernetes.io/".length()));
          }
        });
        JsonNode info = node.path("status").path("nodeInfo");
        return List.of(Cells.text(node, "metadata", "name"), String.join(",", status),
            roles.isEmpty() ? Cells.NONE : String.join(",", roles), Cells.age(node, now), Cells.text(info, "kubeletVersion"),
            address(node, "InternalIP"), address(node, "ExternalIP"), orUnknown(Cells.text(info, "osImage")),
            orUnknown(Cells.text(info, "kernelVersion")), orUnknown(Cells.text(info, "containerRuntimeVersion")));
      });

  private static String address(JsonNode node, String type) {
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals(type)) {
        return a.path("address").asText();
      }
    }
    return Cells.NONE;
  }

  private static String orUnknown(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }

  static final TablePrinter NAMESPACE = new Printer(List.of(
      Printer.NAME,
      col("Status", "string", "The status of the namespace"),
      Printer.AGE),
      (ns, now) -> List.of(Cells.text(ns, "metadata", "name"), Cells.text(ns, "status", "phase"), Cells.age(ns, now)));

  static final TablePrinter EVENT = new Printer(List.of(
      col("Last Seen", "string", "Time when last this event occurred"),
      col("Type", "string", "Type of this event"),
      col("Reason", "string", "Reason why this event was generated"),
      col("Object", "string", "Object this event is about"),
      wide("Subobject", "string", "Specific subobject this event is about"),
      wide("Source", "string", "Source of this event"),
      col("Message", "string", "Message of this event"),
      wide("First Seen", "string", "Time when this event first occurred"),
      wide("Count", "string", "Number of times this event occurred"),
      wide("Name", "string", "Name of the event")),
      ClusterPrinters::event);

  private static List<Object> event(ObjectNode ev, Instant now) {
    String last = Cells.text(ev, "lastTimestamp");
    if (last.isEmpty()) {
      last = Cells.text(ev, "eventTime");
    }
    if (last.isEmpty()) {
      last = Cells.text(ev, "metadata", "creationTimestamp");
    }
    String first = Cells.text(ev, "firstTimestamp");
    if (first.isEmpty()) {
      first = last;
    }
    JsonNode obj = ev.path("involvedObject");
    String object = Cells.text(obj, "kind").toLowerCase(Locale.ROOT) + "/" + Cells.text(obj, "name");
    String source = Cells.text(ev, "source", "component");
    if (source.isEmpty()) {
      source = Cells.text(ev, "reportingComponent");
    }
    if (!Cells.text(ev, "source", "host").isEmpty()) {
      source += ", " + Cells.text(ev, "source", "host");
    }
    long count = ev.path("count").asLong(1);
    return List.of(Cells.since(last, now), Cells.text(ev, "type"), Cells.text(ev, "reason"), object,
        Cells.text(obj, "fieldPath"), source, Cells.text(ev, "message").trim(), Cells.since(first, now), count,
        Cells.text(ev, "metadata", "name"));
  }

  static final TablePrinter LEASE = new Printer(List.of(
      Printer.NAME,
      col("Holder", "string", "The holder of the lease"),
      Printer.AGE),
      (lease, now) -> List.of(Cells.text(lease, "metadata", "name"), Cells.text(lease, "spec", "holderIdentity"), Cells.age(lease, now)));
}
