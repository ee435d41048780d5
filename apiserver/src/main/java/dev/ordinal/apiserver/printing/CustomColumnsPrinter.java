package dev.ordinal.apiserver.printing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A custom resource's {@code additionalPrinterColumns}: Name, then each column's JSONPath
 * evaluated on the object (a column of type date printed as an age, as upstream's TableConvertor);
 * without columns, Name and Age. A path that finds nothing prints an empty cell.
 */
public final class CustomColumnsPrinter implements TablePrinter {
  private final List<Column> columns = new ArrayList<>();
  private final List<JsonPath> paths = new ArrayList<>();
  private final List<String> types = new ArrayList<>();

  /** @param definitions the version's {@code additionalPrinterColumns} */
  public CustomColumnsPrinter(JsonNode definitions) {
    columns.add(Printer.NAME);
    if (definitions == null || definitions.isEmpty()) {
      columns.add(Printer.AGE);
      paths.add(JsonPath.parse(".metadata.creationTimestamp"));
      types.add("date");
      return;
    }
    for (JsonNode d : definitions) {
      String type = d.path("type").asText("string");
      columns.add(new Column(d.path("name").asText(), type.equals("date") ? "date" : type, d.path("format").asText(""),
          d.path("description").asText(""), d.path("priority").asInt(0)));
      paths.add(JsonPath.parse(d.path("jsonPath").asText("")));
      types.add(type);
    }
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    List<Object> out = new ArrayList<>();
    out.add(Cells.text(obj, "metadata", "name"));
    for (int i = 0; i < paths.size(); i++) {
      List<JsonNode> found = paths.get(i).find(obj);
      out.add(cell(found, types.get(i), now));
    }
    return out;
  }

  private static Object cell(List<JsonNode> found, String type, Instant now) {
    if (found.isEmpty() || found.get(0).isNull()) {
      return null;
    }
    JsonNode v = found.get(0);
    switch (type) {
      case "integer" -> {
        return v.isNumber() ? (Object) v.asLong() : v.asText();
      }
      case "number" -> {
        return v.isNumber() ? (Object) v.asDouble() : v.asText();
      }
      case "boolean" -> {
        return v.isBoolean() ? (Object) v.asBoolean() : v.asText();
      }
      case "date" -> {
        return v.isTextual() ? Cells.since(v.asText(), now) : v.toString();
      }
      default -> {
        if (found.size() > 1) {
          List<String> parts = new ArrayList<>();
          found.forEach(f -> parts.add(f.isValueNode() ? f.asText() : f.toString()));
          return String.join(" ", parts);
        }
        return v.isValueNode() ? v.asText() : v.toString();
      }
    }
  }
}
