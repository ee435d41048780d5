package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** policy/v1 PodDisruptionBudgets, with kubectl's columns (N/A for the bound that is not set). */
final class PolicyPrinters {
  private PolicyPrinters() {}

  static final TablePrinter POD_DISRUPTION_BUDGET = new Printer(List.of(
      Printer.NAME,
      col("Min Available", "string", "The minimum number or percentage of available pods this budget requires."),
      col("Max Unavailable", "string", "The maximum number or percentage of unavailable pods this budget requires."),
      col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
      Printer.AGE),
      (pdb, now) -> List.of(Cells.text(pdb, "metadata", "name"),
          bound(pdb.path("spec").path("minAvailable")),
          bound(pdb.path("spec").path("maxUnavailable")),
          Cells.number(pdb, "status", "disruptionsAllowed"),
          Cells.age(pdb, now)));

  private static String bound(JsonNode v) {
    return v.isMissingNode() || v.isNull() ? "N/A" : v.asText();
  }
}
