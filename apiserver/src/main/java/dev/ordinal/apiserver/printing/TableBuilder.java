package dev.ordinal.apiserver.printing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Instant;
import java.util.List;

/** Builds {@code meta.k8s.io/v1 Table} objects from a printer and objects. */
public final class TableBuilder {
  private TableBuilder() {}

  /** A whole table, for a list or a single get. */
  public static ObjectNode build(TablePrinter printer, List<ObjectNode> objects, String resourceVersion, String continueToken,
      IncludeObject include, Instant now) {
    ObjectNode table = header(resourceVersion, continueToken);
    columns(table, printer);
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode o : objects) {
      rows.add(row(printer, o, include, now));
    }
    return table;
  }

  /** The one-row table of a watch event; columns only when {@code withColumns} (the first event). */
  public static ObjectNode watchRow(TablePrinter printer, ObjectNode obj, IncludeObject include, boolean withColumns, Instant now) {
    ObjectNode table = header(obj.path("metadata").path("resourceVersion").asText(""), "");
    if (withColumns) {
      columns(table, printer);
    }
    table.putArray("rows").add(row(printer, obj, include, now));
    return table;
  }

  private static ObjectNode header(String resourceVersion, String continueToken) {
    ObjectNode table = Json.object();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = table.putObject("metadata");
    meta.put("resourceVersion", resourceVersion);
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    return table;
  }

  private static void columns(ObjectNode table, TablePrinter printer) {
    ArrayNode cols = table.putArray("columnDefinitions");
    for (TablePrinter.Column c : printer.columns()) {
      cols.addObject().put("name", c.name()).put("type", c.type()).put("format", c.format())
          .put("description", c.description()).put("priority", c.priority());
    }
  }

  private static ObjectNode row(TablePrinter printer, ObjectNode obj, IncludeObject include, Instant now) {
    ObjectNode row = Json.object();
    ArrayNode cells = row.putArray("cells");
    for (Object cell : printer.cells(obj, now)) {
      cells.add(Json.MAPPER.valueToTree(cell));
    }
    switch (include) {
      case OBJECT -> row.set("object", obj);
      case METADATA -> {
        ObjectNode partial = row.putObject("object");
        partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", obj.get("metadata"));
      }
      case NONE -> { }
    }
    return row;
  }
}
