package dev.ordinal.apiserver.printing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;

/** A {@link TablePrinter} made of its columns and a function computing one row's cells. */
record Printer(List<Column> columns, BiFunction<ObjectNode, Instant, List<Object>> row) implements TablePrinter {

  static Column col(String name, String type, String description) {
    return new Column(name, type, name.equals("Name") ? "name" : "", description, 0);
  }

  static Column wide(String name, String type, String description) {
    return new Column(name, type, "", description, 1);
  }

  static final Column NAME = col("Name", "string", "Name must be unique within a namespace.");
  static final Column AGE = col("Age", "string",
      "CreationTimestamp is a timestamp representing the server time when this object was created.");

  @Override
  public List<Object> cells(ObjectNode obj, Instant now) {
    return row.apply(obj, now);
  }
}
