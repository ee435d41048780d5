package dev.ordinal.apiserver.crd.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.FieldError;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code x-kubernetes-validations}: CEL rules with {@code self} (the value at the rule's node) and,
 * in transition rules, {@code oldSelf} (the value before an update, where it can be found: object
 * fields, and items of map lists by their keys); {@code message} or {@code messageExpression} name
 * a failure. Compiled with Google's CEL-Java and cached by expression. {@code self} is dynamically
 * typed here, where upstream types it from the schema, so a few type errors upstream finds when
 * the CRD is written only appear when a rule runs.
 */
public final class CelRules {
  private static final Pattern OLD_SELF = Pattern.compile("\\boldSelf\\b");
  private static final Cel CEL = CelFactory.standardCelBuilder()
      .addVar("self", SimpleType.DYN)
      .addVar("oldSelf", SimpleType.DYN)
      .addCompilerLibraries(CelExtensions.strings(), CelExtensions.lists())
      .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.lists())
      .build();
  private static final Map<String, Compiled> PROGRAMS = new ConcurrentHashMap<>();

  private CelRules() {}

  private record Compiled(CelRuntime.Program program, String error) {}

  /** Why a rule or message expression does not compile, or empty when it does. */
  public static Optional<String> compileError(String expression) {
    Compiled c = compile(expression);
    return c.error == null ? Optional.empty() : Optional.of(c.error);
  }

  private static Compiled compile(String expression) {
    return PROGRAMS.computeIfAbsent(expression, e -> {
      try {
        CelAbstractSyntaxTree ast = CEL.compile(e).getAst();
        return new Compiled(CEL.createProgram(ast), null);
      } catch (CelValidationException ex) {
        return new Compiled(null, "compilation failed: " + ex.getMessage());
      } catch (CelEvaluationException ex) {
        return new Compiled(null, "compilation failed: " + ex.getMessage());
      }
    });
  }

  /** Whether a rule refers to {@code oldSelf}, so runs only on updates where an old value exists. */
  public static boolean isTransitionRule(String rule) {
    return OLD_SELF.matcher(rule).find();
  }

  /**
   * Runs every rule of the schema over {@code value}.
   *
   * @param old the object before an update, or null on create
   */
  public static List<FieldError> validate(JsonNode value, JsonNode old, JsonNode schema) {
    List<FieldError> out = new ArrayList<>();
    walk(value, old, schema, "", out);
    return out;
  }

  private static void walk(JsonNode v, JsonNode old, JsonNode s, String path, List<FieldError> out) {
    if (s == null || v == null || v.isNull()) {
      return;
    }
    for (JsonNode rule : s.path("x-kubernetes-validations")) {
      check(rule, v, old, path, out);
    }
    if (v.isObject()) {
      JsonNode props = s.path("properties");
      JsonNode additional = s.get("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode ps = props.get(f.getKey());
        if (ps == null && additional != null && additional.isObject()) {
          ps = additional;
        }
        if (ps != null) {
          JsonNode o = old == null || !old.isObject() ? null : old.get(f.getKey());
          walk(f.getValue(), o, ps, SchemaValidator.child(path, f.getKey()), out);
        }
      }
    } else if (v.isArray() && s.has("items")) {
      String listType = s.path("x-kubernetes-list-type").asText("atomic");
      List<String> keys = ListTypes.mapKeys(s);
      Map<Object, JsonNode> oldItems = new HashMap<>();
      if (old != null && old.isArray() && !listType.equals("atomic")) {
        for (JsonNode o : old) {
          oldItems.put(listType.equals("map") ? ListTypes.keyOf(o, keys) : o, o);
        }
      }
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        JsonNode o = listType.equals("atomic") ? null : oldItems.get(listType.equals("map") ? ListTypes.keyOf(item, keys) : item);
        walk(item, o, s.get("items"), path + "[" + i + "]", out);
      }
    }
  }

  private static void check(JsonNode rule, JsonNode v, JsonNode old, String path, List<FieldError> out) {
    String expr = rule.path("rule").asText("");
    boolean transition = isTransitionRule(expr);
    if (expr.isEmpty() || (transition && (old == null || old.isNull()))) {
      return;
    }
    String at = path + rule.path("fieldPath").asText("");
    if (at.startsWith(".")) {
      at = at.substring(1);
    }
    if (at.isEmpty()) {
      at = "<root>";
    }
    Map<String, Object> vars = new LinkedHashMap<>();
    vars.put("self", toCel(v));
    if (transition) {
      vars.put("oldSelf", toCel(old));
    }
    Compiled c = compile(expr);
    if (c.error != null) {
      out.add(FieldError.invalid(at, SchemaValidator.typeName(v), c.error));
      return;
    }
    Object result;
    try {
      result = c.program.eval(vars);
    } catch (CelEvaluationException e) {
      out.add(FieldError.invalid(at, SchemaValidator.typeName(v), "rule evaluation error: " + e.getMessage()));
      return;
    }
    if (Boolean.TRUE.equals(result)) {
      return;
    }
    String message = message(rule, vars, expr);
    switch (rule.path("reason").asText("FieldValueInvalid")) {
      case "FieldValueForbidden" -> out.add(FieldError.forbidden(at, message));
      case "FieldValueRequired" -> out.add(FieldError.required(at, message));
      case "FieldValueDuplicate" -> out.add(new FieldError(at, FieldError.Type.DUPLICATE, SchemaValidator.typeName(v), message));
      default -> out.add(FieldError.invalid(at, SchemaValidator.typeName(v), message));
    }
  }

  /** messageExpression's result, else message, else upstream's "failed rule: RULE". */
  private static String message(JsonNode rule, Map<String, Object> vars, String expr) {
    String messageExpression = rule.path("messageExpression").asText("");
    if (!messageExpression.isEmpty()) {
      Compiled m = compile(messageExpression);
      if (m.error == null) {
        try {
          Object r = m.program.eval(vars);
          if (r instanceof String s && !s.isBlank()) {
            return s;
          }
        } catch (CelEvaluationException e) {
          // upstream falls back to message, then to the rule, when the expression fails
        }
      }
    }
    String message = rule.path("message").asText("");
    return message.isEmpty() ? "failed rule: " + expr : message;
  }

  /** JSON as CEL values: maps, lists, int (long), double, string, bool, null. */
  static Object toCel(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (v.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      v.fields().forEachRemaining(e -> m.put(e.getKey(), toCel(e.getValue())));
      return m;
    }
    if (v.isArray()) {
      List<Object> l = new ArrayList<>(v.size());
      v.forEach(i -> l.add(toCel(i)));
      return l;
    }
    if (v.isIntegralNumber()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      return v.asDouble();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    return v.asText();
  }
}
