package dev.ordinal.apiserver.printing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of kubectl's JSONPath that printer columns use: {@code .a.b}, {@code [0]}, {@code [*]},
 * {@code ['a.b']} and filters {@code [?(@.type=="Ready")]} (also {@code !=}). Pure, immutable.
 */
public final class JsonPath {
  private sealed interface Step permits Field, Index, All, Filter {}

  private record Field(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record All() implements Step {}

  private record Filter(List<String> field, String op, String value) implements Step {}

  private final List<Step> steps;

  private JsonPath(List<Step> steps) {
    this.steps = steps;
  }

  /** Parses a path such as {@code .status.conditions[?(@.type=="Ready")].status}; braces are optional. */
  public static JsonPath parse(String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        int j = i + 1;
        while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
          j++;
        }
        if (j > i + 1) {
          steps.add(new Field(p.substring(i + 1, j)));
        }
        i = j;
      } else if (c == '[') {
        int j = p.indexOf(']', i);
        if (p.startsWith("[?(", i)) {
          j = p.indexOf(")]", i) + 1;
        }
        if (j <= i) {
          break;
        }
        steps.add(bracket(p.substring(i + 1, j)));
        i = j + 1;
      } else {
        int j = i;
        while (j < p.length() && p.charAt(j) != '.' && p.charAt(j) != '[') {
          j++;
        }
        steps.add(new Field(p.substring(i, j)));
        i = j;
      }
    }
    return new JsonPath(steps);
  }

  private static Step bracket(String inner) {
    if (inner.equals("*")) {
      return new All();
    }
    if (inner.startsWith("'") || inner.startsWith("\"")) {
      return new Field(inner.substring(1, inner.length() - 1));
    }
    if (inner.startsWith("?(") && inner.endsWith(")")) {
      String cond = inner.substring(2, inner.length() - 1).trim();
      String op = cond.contains("!=") ? "!=" : "==";
      int at = cond.indexOf(op);
      String left = at < 0 ? cond : cond.substring(0, at).trim();
      String right = at < 0 ? "" : cond.substring(at + 2).trim();
      if (right.startsWith("\"") || right.startsWith("'")) {
        right = right.substring(1, right.length() - 1);
      }
      List<String> field = new ArrayList<>();
      for (String part : left.replaceFirst("^@\\.?", "").split("\\.")) {
        if (!part.isEmpty()) {
          field.add(part);
        }
      }
      return new Filter(field, at < 0 ? "exists" : op, right);
    }
    try {
      return new Index(Integer.parseInt(inner.trim()));
    } catch (NumberFormatException e) {
      return new Field(inner);
    }
  }

  /** Every value the path reaches, in document order. */
  public List<JsonNode> find(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step s : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        switch (s) {
          case Field f -> {
            if (n.has(f.name())) {
              next.add(n.get(f.name()));
            }
          }
          case Index ix -> {
            int k = ix.index() < 0 ? n.size() + ix.index() : ix.index();
            if (n.isArray() && k >= 0 && k < n.size()) {
              next.add(n.get(k));
            }
          }
          case All a -> n.elements().forEachRemaining(next::add);
          case Filter f -> n.elements().forEachRemaining(e -> {
            JsonNode v = e;
            for (String part : f.field()) {
              v = v.path(part);
            }
            boolean match = switch (f.op()) {
              case "exists" -> !v.isMissingNode();
              case "!=" -> !v.isMissingNode() && !v.asText().equals(f.value());
              default -> !v.isMissingNode() && v.asText().equals(f.value());
            };
            if (match) {
              next.add(e);
            }
          });
        }
      }
      current = next;
    }
    return current;
  }
}
