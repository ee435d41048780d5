package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** DaemonSets with kubectl's columns (NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE). */
final class DaemonSetPrinter {
  private DaemonSetPrinter() {}

  static final TablePrinter INSTANCE = new Printer(List.of(
      Printer.NAME,
      col("Desired", "integer", "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod)."),
      col("Current", "integer", "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod."),
      col("Ready", "integer", "numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition."),
      col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
      col("Available", "integer", "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)"),
      col("Node Selector", "string", "NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node's labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/"),
      Printer.AGE,
      wide("Containers", "string", "Names of each container in the template."),
      wide("Images", "string", "Images referenced by each container in the template."),
      wide("Selector", "string", "A label query over pods that are managed by the daemon set. Must match in order to be controlled. It must match the pod template's labels. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors")),
      (ds, now) -> {
        JsonNode containers = ds.path("spec").path("template").path("spec").path("containers");
        return List.of(Cells.text(ds, "metadata", "name"),
            Cells.number(ds, "status", "desiredNumberScheduled"),
            Cells.number(ds, "status", "currentNumberScheduled"),
            Cells.number(ds, "status", "numberReady"),
            Cells.number(ds, "status", "updatedNumberScheduled"),
            Cells.number(ds, "status", "numberAvailable"),
            Cells.orNone(Cells.keyValues(ds.path("spec").path("template").path("spec").path("nodeSelector"))),
            Cells.age(ds, now),
            String.join(",", Cells.strings(containers, "name")),
            String.join(",", Cells.strings(containers, "image")),
            ReplicaSetPrinters.labelSelector(ds.path("spec").path("selector")));
      });
}
