package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Deployments, ReplicaSets and ReplicationControllers, with kubectl's columns. */
final class ReplicaSetPrinters {
  private ReplicaSetPrinters() {}

  private static final TablePrinter.Column CONTAINERS = wide("Containers", "string", "Names of each container in the template.");
  private static final TablePrinter.Column IMAGES = wide("Images", "string", "Images referenced by each container in the template.");

  static final TablePrinter DEPLOYMENT = new Printer(List.of(
      Printer.NAME,
      col("Ready", "string", "Number of the pod with ready state"),
      col("Up-to-date", "string", "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
      col("Available", "string", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
      Printer.AGE,
      CONTAINERS,
      IMAGES,
      wide("Selector", "string", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.")),
      (d, now) -> {
        JsonNode containers = d.path("spec").path("template").path("spec").path("containers");
        return List.of(Cells.text(d, "metadata", "name"),
            Cells.number(d, "status", "readyReplicas") + "/" + d.path("spec").path("replicas").asLong(1),
            Cells.number(d, "status", "updatedReplicas"),
            Cells.number(d, "status", "availableReplicas"),
            Cells.age(d, now),
            String.join(",", Cells.strings(containers, "name")),
            String.join(",", Cells.strings(containers, "image")),
            labelSelector(d.path("spec").path("selector")));
      });

  static final TablePrinter REPLICA_SET = replicaPrinter(false);
  static final TablePrinter REPLICATION_CONTROLLER = replicaPrinter(true);

  private static TablePrinter replicaPrinter(boolean mapSelector) {
    return new Printer(List.of(
        Printer.NAME,
        col("Desired", "integer", "Replicas is the number of desired replicas."),
        col("Current", "integer", "Replicas is the most recently observed number of replicas."),
        col("Ready", "integer", "The number of ready replicas for this replica set."),
        Printer.AGE,
        CONTAINERS,
        IMAGES,
        wide("Selector", "string", "Selector is a label query over pods that should match the replica count.")),
        (rs, now) -> {
          JsonNode containers = rs.path("spec").path("template").path("spec").path("containers");
          JsonNode sel = rs.path("spec").path("selector");
          return List.of(Cells.text(rs, "metadata", "name"),
              rs.path("spec").path("replicas").asLong(1),
              Cells.number(rs, "status", "replicas"),
              Cells.number(rs, "status", "readyReplicas"),
              Cells.age(rs, now),
              String.join(",", Cells.strings(containers, "name")),
              String.join(",", Cells.strings(containers, "image")),
              mapSelector ? orNone(pairs(sel)) : labelSelector(sel));
        });
  }

  /** metav1.FormatLabelSelector: match labels sorted, then the expressions in their order. */
  static String labelSelector(JsonNode sel) {
    if (!sel.isObject()) {
      return Cells.NONE;
    }
    List<String> parts = new ArrayList<>();
    String labels = pairs(sel.path("matchLabels"));
    if (!labels.isEmpty()) {
      parts.add(labels);
    }
    for (JsonNode e : sel.path("matchExpressions")) {
      String key = e.path("key").asText();
      List<String> values = new ArrayList<>();
      e.path("values").forEach(v -> values.add(v.asText()));
      switch (e.path("operator").asText()) {
        case "In" -> parts.add(key + " in (" + String.join(",", values) + ")");
        case "NotIn" -> parts.add(key + " notin (" + String.join(",", values) + ")");
        case "Exists" -> parts.add(key);
        case "DoesNotExist" -> parts.add("!" + key);
        default -> parts.add(key + " " + e.path("operator").asText() + " (" + String.join(",", values) + ")");
      }
    }
    return orNone(String.join(",", parts));
  }

  private static String pairs(JsonNode map) {
    Map<String, String> sorted = new TreeMap<>();
    map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    return String.join(",", sorted.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
  }

  private static String orNone(String s) {
    return s.isEmpty() ? Cells.NONE : s;
  }
}
