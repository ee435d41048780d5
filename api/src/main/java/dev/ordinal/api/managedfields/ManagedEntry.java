package dev.ordinal.api.managedfields;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code metadata.managedFields} entry: who (manager, operation, subresource) owns which
 * fields, since when. The field set is read from fieldsV1 only when a write needs it, and written
 * back unchanged when it did not change.
 */
public final class ManagedEntry {
  public static final String APPLY = "Apply";
  public static final String UPDATE = "Update";

  private final String manager;
  private final String operation;
  private final String subresource;
  private String apiVersion;
  private String time;
  private JsonNode fieldsV1;
  private FieldSet fields;

  public ManagedEntry(String manager, String operation, String subresource, String apiVersion, String time, FieldSet fields) {
    this.manager = manager;
    this.operation = operation;
    this.subresource = subresource == null ? "" : subresource;
    this.apiVersion = apiVersion;
    this.time = time;
    this.fields = fields;
  }

  /** An entry as stored; its fieldsV1 is decoded on first use. */
  static ManagedEntry read(JsonNode e) {
    ManagedEntry m = new ManagedEntry(e.path("manager").asText(""), e.path("operation").asText(""),
        e.path("subresource").asText(""), e.path("apiVersion").asText(""), e.path("time").asText(null), null);
    m.fieldsV1 = e.get("fieldsV1");
    return m;
  }

  public String manager() {
    return manager;
  }

  public String operation() {
    return operation;
  }

  public String subresource() {
    return subresource;
  }

  public String apiVersion() {
    return apiVersion;
  }

  public String time() {
    return time;
  }

  /** True for the same manager, operation and subresource (upstream's manager identifier). */
  boolean sameOwner(String manager, String operation, String subresource) {
    return this.manager.equals(manager) && this.operation.equals(operation) && this.subresource.equals(subresource);
  }

  public FieldSet fields() {
    if (fields == null) {
      fields = FieldSet.fromFieldsV1(fieldsV1);
    }
    return fields;
  }

  /** Replaces the set; the time moves to {@code now} when the set differs. */
  void setFields(FieldSet next, String apiVersion, String now) {
    if (time == null || !next.toFieldsV1().equals(fields().toFieldsV1())) {
      time = now;
      fieldsV1 = null;
    }
    fields = next;
    if (apiVersion != null) {
      this.apiVersion = apiVersion;
    }
  }

  /** The entry in upstream's member order. */
  ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("manager", manager);
    o.put("operation", operation);
    o.put("apiVersion", apiVersion);
    if (time != null) {
      o.put("time", time);
    }
    o.put("fieldsType", "FieldsV1");
    o.set("fieldsV1", fieldsV1 != null ? fieldsV1 : fields().toFieldsV1());
    if (!subresource.isEmpty()) {
      o.put("subresource", subresource);
    }
    return o;
  }

  /** How upstream names a manager in a conflict: {@code "kubectl"}, or {@code "x" using apps/v1} for an Update. */
  String printed() {
    String s = "\"" + manager + "\"";
    if (!subresource.isEmpty()) {
      s += " with subresource \"" + subresource + "\"";
    }
    if (operation.equals(UPDATE)) {
      s += " using " + apiVersion;
    }
    return s;
  }
}
