package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** StatefulSets and ControllerRevisions. */
final class WorkloadPrinters {
  private WorkloadPrinters() {}

  static final TablePrinter STATEFUL_SET = new Printer(List.of(
      Printer.NAME,
      col("Ready", "string", "Number of the pod with ready state"),
      Printer.AGE,
      wide("Containers", "string", "Names of each container in the template."),
      wide("Images", "string", "Images referenced by each container in the template.")),
      (sts, now) -> {
        JsonNode containers = sts.path("spec").path("template").path("spec").path("containers");
        return List.of(Cells.text(sts, "metadata", "name"),
            Cells.number(sts, "status", "readyReplicas") + "/" + sts.path("spec").path("replicas").asLong(1),
            Cells.age(sts, now),
            String.join(",", Cells.strings(containers, "name")),
            String.join(",", Cells.strings(containers, "image")));
      });

  static final TablePrinter CONTROLLER_REVISION = new Printer(List.of(
      Printer.NAME,
      col("Controller", "string", "Controller of the object"),
      col("Revision", "integer", "Revision of the ControllerRevision"),
      Printer.AGE),
      (cr, now) -> {
        String controller = Cells.NONE;
        for (JsonNode ref : cr.path("metadata").path("ownerReferences")) {
          if (ref.path("controller").asBoolean(false)) {
            String gv = ref.path("apiVersion").asText();
            String group = gv.contains("/") ? "." + gv.substring(0, gv.indexOf('/')) : "";
            controller = ref.path("kind").asText().toLowerCase(java.util.Locale.ROOT) + group + "/" + ref.path("name").asText();
          }
        }
        return List.of(Cells.text(cr, "metadata", "name"), controller, cr.path("revision").asLong(0), Cells.age(cr, now));
      });
}
