package dev.ordinal.apiserver.printing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;

/** The server-side printing of one resource type: kubectl's `get` columns, computed on the server. */
public interface TablePrinter {

  /**
   * A column as {@code meta.k8s.io/v1 Table} describes it. {@code priority} 0 is always shown, 1
   * only with {@code -o wide}.
   */
  record Column(String name, String type, String format, String description, int priority) {}

  List<Column> columns();

  /** One cell per column for this object, each a String, Number or Boolean. */
  List<Object> cells(ObjectNode obj, Instant now);
}
