package dev.ordinal.apiserver.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.FieldError;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a custom resource against the structural schema of its version, reporting errors as the
 * API server's OpenAPI validator words them ({@code spec.replicas: Invalid value: "string":
 * spec.replicas in body must be of type integer: "string"}). Pure; the schema is the CRD's
 * {@code openAPIV3Schema} JSON, read as it is.
 */
public final class SchemaValidator {
  // RE2, as Go's regexp that upstream matches with (re2j comes with CEL-Java)
  private static final Map<String, com.google.re2j.Pattern> PATTERNS = new ConcurrentHashMap<>();

  private SchemaValidator() {}

  /** Every error of {@code value} (a whole object, or any part of one at {@code path}). */
  public static List<FieldError> validate(JsonNode value, JsonNode schema, String path) {
    List<FieldError> out = new ArrayList<>();
    check(value, schema, path, out);
    return out;
  }

  private static void check(JsonNode v, JsonNode s, String path, List<FieldError> out) {
    if (s == null || s.isMissingNode()) {
      return;
    }
    String at = path.isEmpty() ? "<root>" : path;
    if (v.isNull()) {
      if (!s.path("nullable").asBoolean(false) && s.has("type")) {
        out.add(FieldError.invalid(at, "null", at + " in body must be of type " + s.path("type").asText() + ": \"null\""));
      }
      return;
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      if (!v.isIntegralNumber() && !v.isTextual()) {
        out.add(FieldError.invalid(at, typeName(v), at + " in body must be of type integer,string: \"" + typeName(v) + "\""));
        return;
      }
    } else if (s.has("type") && !hasType(v, s.path("type").asText())) {
      out.add(FieldError.invalid(at, typeName(v), at + " in body must be of type " + s.path("type").asText() + ": \""
          + typeName(v) + "\""));
      return;
    }
    if (s.has("enum")) {
      boolean found = false;
      List<String> allowed = new ArrayList<>();
      for (JsonNode e : s.get("enum")) {
        allowed.add(e.isTextual() ? e.asText() : e.toString());
        found |= sameValue(e, v);
      }
      if (!found) {
        out.add(new FieldError(at, FieldError.Type.NOT_SUPPORTED, v.isTextual() ? v.asText() : v.toString(),
            "supported values: " + String.join(", ", allowed.stream().map(a -> "\"" + a + "\"").toList())));
      }
    }
    if (v.isNumber()) {
      number(v, s, at, out);
    } else if (v.isTextual()) {
      string(v.asText(), s, at, out);
    } else if (v.isArray()) {
      array(v, s, path, at, out);
    } else if (v.isObject()) {
      object(v, s, path, at, out);
    }
  }

  private static void number(JsonNode v, JsonNode s, String at, List<FieldError> out) {
    double d = v.asDouble();
    Object shown = v.isIntegralNumber() ? (Object) v.asLong() : (Object) d;
    if (s.has("minimum")) {
      double min = s.get("minimum").asDouble();
      boolean exclusive = s.path("exclusiveMinimum").asBoolean(false);
      if (exclusive ? d <= min : d < min) {
        out.add(FieldError.invalid(at, shown, at + " in body should be greater than " + (exclusive ? "" : "or equal to ")
            + number(s.get("minimum"))));
      }
    }
    if (s.has("maximum")) {
      double max = s.get("maximum").asDouble();
      boolean exclusive = s.path("exclusiveMaximum").asBoolean(false);
      if (exclusive ? d >= max : d > max) {
        out.add(FieldError.invalid(at, shown, at + " in body should be less than " + (exclusive ? "" : "or equal to ")
            + number(s.get("maximum"))));
      }
    }
    if (s.has("multipleOf") && s.get("multipleOf").asDouble() != 0) {
      double q = d / s.get("multipleOf").asDouble();
      if (q != Math.rint(q)) {
        out.add(FieldError.invalid(at, shown, at + " in body should be a multiple of " + number(s.get("multipleOf"))));
      }
    }
    String format = s.path("format").asText("");
    if (format.equals("int32") && v.isIntegralNumber() && (v.asLong() > Integer.MAX_VALUE || v.asLong() < Integer.MIN_VALUE)) {
      out.add(FieldError.invalid(at, shown, at + " in body must be of type int32: \"" + v.asText() + "\""));
    }
  }

  private static String number(JsonNode n) {
    return n.isIntegralNumber() || n.asDouble() == Math.rint(n.asDouble()) ? Long.toString(n.asLong()) : n.asText();
  }

  private static void string(String v, JsonNode s, String at, List<FieldError> out) {
    int length = v.codePointCount(0, v.length());
    if (s.has("maxLength") && length > s.get("maxLength").asInt()) {
      out.add(new FieldError(at, FieldError.Type.TOO_LONG, null, "may not be more than " + s.get("maxLength").asInt() + " bytes"));
    }
    if (s.has("minLength") && length < s.get("minLength").asInt()) {
      out.add(FieldError.invalid(at, v, at + " in body should be at least " + s.get("minLength").asInt() + " chars long"));
    }
    if (s.has("pattern")) {
      com.google.re2j.Pattern p = pattern(s.get("pattern").asText());
      if (p != null && !p.matcher(v).find()) {
        out.add(FieldError.invalid(at, v, at + " in body should match '" + s.get("pattern").asText() + "'"));
      }
    }
    String format = s.path("format").asText("");
    if (!format.isEmpty() && !Formats.matches(format, v)) {
      out.add(FieldError.invalid(at, v, at + " in body must be of type " + format + ": \"" + v + "\""));
    }
  }

  /** A compiled pattern, or null when it does not compile (CRD validation refuses those). */
  static com.google.re2j.Pattern pattern(String regex) {
    try {
      return PATTERNS.computeIfAbsent(regex, com.google.re2j.Pattern::compile);
    } catch (com.google.re2j.PatternSyntaxException e) {
      return null;
    }
  }

  private static void array(JsonNode v, JsonNode s, String path, String at, List<FieldError> out) {
    if (s.has("maxItems") && v.size() > s.get("maxItems").asInt()) {
      out.add(FieldError.tooMany(at, v.size(), s.get("maxItems").asInt()));
    }
    if (s.has("minItems") && v.size() < s.get("minItems").asInt()) {
      out.add(FieldError.invalid(at, v.size(), at + " in body should have at least " + s.get("minItems").asInt() + " items"));
    }
    String listType = s.path("x-kubernetes-list-type").asText("atomic");
    if (listType.equals("set") || s.path("uniqueItems").asBoolean(false)) {
      Set<JsonNode> seen = new HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        if (!seen.add(v.get(i))) {
          out.add(FieldError.duplicate(path + "[" + i + "]", v.get(i).isTextual() ? v.get(i).asText() : v.get(i).toString()));
        }
      }
    } else if (listType.equals("map")) {
      List<String> keys = ListTypes.mapKeys(s);
      Set<List<JsonNode>> seen = new HashSet<>();
      for (int i = 0; i < v.size(); i++) {
        List<JsonNode> key = ListTypes.keyOf(v.get(i), keys);
        if (key != null && !seen.add(key)) {
          // not a String: upstream prints the Go map unquoted
          out.add(FieldError.duplicate(path + "[" + i + "]", new StringBuilder(ListTypes.describeKey(keys, key))));
        }
      }
    }
    JsonNode items = s.get("items");
    if (items != null) {
      for (int i = 0; i < v.size(); i++) {
        check(v.get(i), items, path + "[" + i + "]", out);
      }
    }
  }

  private static void object(JsonNode v, JsonNode s, String path, String at, List<FieldError> out) {
    JsonNode props = s.path("properties");
    for (JsonNode r : s.path("required")) {
      if (!v.has(r.asText())) {
        out.add(FieldError.required(child(path, r.asText()), ""));
      }
    }
    if (s.has("maxProperties") && v.size() > s.get("maxProperties").asInt()) {
      out.add(FieldError.tooMany(at, v.size(), s.get("maxProperties").asInt()));
    }
    if (s.has("minProperties") && v.size() < s.get("minProperties").asInt()) {
      out.add(FieldError.invalid(at, v.size(), at + " in body should have at least " + s.get("minProperties").asInt() + " properties"));
    }
    JsonNode additional = s.get("additionalProperties");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (path.isEmpty() && (f.getKey().equals("metadata") || f.getKey().equals("apiVersion") || f.getKey().equals("kind"))) {
        continue; // checked by the registry's own metadata rules
      }
      JsonNode ps = props.get(f.getKey());
      if (ps != null) {
        check(f.getValue(), ps, child(path, f.getKey()), out);
      } else if (additional != null && additional.isObject()) {
        check(f.getValue(), additional, child(path, f.getKey()), out);
      }
    }
  }

  static String child(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  private static boolean hasType(JsonNode v, String type) {
    return switch (type) {
      case "object" -> v.isObject();
      case "array" -> v.isArray();
      case "string" -> v.isTextual();
      case "integer" -> v.isIntegralNumber() || (v.isNumber() && v.asDouble() == Math.rint(v.asDouble()));
      case "number" -> v.isNumber();
      case "boolean" -> v.isBoolean();
      default -> true;
    };
  }

  /** The JSON type's name as the validator reports it. */
  static String typeName(JsonNode v) {
    if (v.isObject()) {
      return "object";
    } else if (v.isArray()) {
      return "array";
    } else if (v.isTextual()) {
      return "string";
    } else if (v.isIntegralNumber()) {
      return "integer";
    } else if (v.isNumber()) {
      return "number";
    } else if (v.isBoolean()) {
      return "boolean";
    }
    return "null";
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    return a.equals(b) || (a.isNumber() && b.isNumber() && a.asDouble() == b.asDouble());
  }

  /** The string formats Kubernetes checks; unknown formats pass, as upstream's. */
  static final class Formats {
    private static final java.util.regex.Pattern UUID = java.util.regex.Pattern.compile("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$");
    private static final java.util.regex.Pattern DATE = java.util.regex.Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
    private static final java.util.regex.Pattern BYTE = java.util.regex.Pattern.compile("^[A-Za-z0-9+/]*={0,2}$");

    private Formats() {}

    static boolean matches(String format, String v) {
      return switch (format) {
        case "date-time", "datetime" -> dateTime(v);
        case "date" -> DATE.matcher(v).matches();
        case "uuid" -> UUID.matcher(v).matches();
        case "byte" -> v.length() % 4 == 0 && BYTE.matcher(v).matches();
        case "ipv4" -> v.matches("^((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)$");
        default -> true;
      };
    }

    private static boolean dateTime(String v) {
      try {
        OffsetDateTime.parse(v);
        return true;
      } catch (java.time.format.DateTimeParseException e) {
        return false;
      }
    }
  }
}
