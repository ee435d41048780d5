package dev.ordinal.api.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A label selector in the query-string syntax Kubernetes accepts: comma-joined requirements
 * {@code k=v}, {@code k==v}, {@code k!=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}
 * and {@code !k}. Immutable.
 */
public final class LabelSelector {
  private static final Pattern NAME = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");
  private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** Matches everything. */
  public static LabelSelector everything() {
    return new LabelSelector(List.of());
  }

  /**
   * Parses the query-string form.
   *
   * @throws SelectorException on bad syntax or invalid keys and values
   */
  public static LabelSelector parse(String text) {
    List<Requirement> out = new ArrayList<>();
    for (String term : splitTerms(text)) {
      String t = term.trim();
      if (t.isEmpty()) {
        continue;
      }
      out.add(parseTerm(t));
    }
    return new LabelSelector(out);
  }

  /** Splits on commas outside parentheses. */
  private static List<String> splitTerms(String text) {
    List<String> terms = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        terms.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new SelectorException("unable to parse requirement: found '(' without a matching ')' in \"" + text + "\"");
    }
    terms.add(text.substring(start));
    return terms;
  }

  private static Requirement parseTerm(String t) {
    if (t.startsWith("!")) {
      return new Requirement(key(t.substring(1).trim()), Requirement.Operator.DOES_NOT_EXIST, List.of());
    }
    int ne = t.indexOf("!=");
    if (ne > 0) {
      return new Requirement(key(t.substring(0, ne).trim()), Requirement.Operator.NOT_EQUALS, List.of(value(t.substring(ne + 2).trim())));
    }
    int eq = t.indexOf('=');
    if (eq > 0) {
      String v = t.startsWith("==", eq) ? t.substring(eq + 2) : t.substring(eq + 1);
      return new Requirement(key(t.substring(0, eq).trim()), Requirement.Operator.EQUALS, List.of(value(v.trim())));
    }
    String[] words = t.split("\\s+", 2);
    if (words.length == 2) {
      String rest = words[1].trim();
      Requirement.Operator op;
      if (rest.startsWith("notin")) {
        op = Requirement.Operator.NOT_IN;
        rest = rest.substring(5).trim();
      } else if (rest.startsWith("in")) {
        op = Requirement.Operator.IN;
        rest = rest.substring(2).trim();
      } else {
        throw new SelectorException("unable to parse requirement: found '" + rest + "', expected: in, notin, =, ==, !=, gt, lt");
      }
      if (!rest.startsWith("(") || !rest.endsWith(")")) {
        throw new SelectorException("unable to parse requirement: found '" + rest + "', expected: '('");
      }
      List<String> values = new ArrayList<>();
      for (String v : rest.substring(1, rest.length() - 1).split(",")) {
        values.add(value(v.trim()));
      }
      return new Requirement(key(words[0]), op, values);
    }
    return new Requirement(key(t), Requirement.Operator.EXISTS, List.of());
  }

  private static String key(String k) {
    if (k.isEmpty() || k.length() > 317 || !NAME.matcher(k).matches() || nameTooLong(k)) {
      throw new SelectorException("unable to parse requirement: invalid label key \"" + k
          + "\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
          + "alphanumeric character");
    }
    return k;
  }

  private static boolean nameTooLong(String k) {
    int slash = k.indexOf('/');
    return k.length() - slash - 1 > 63 || slash > 253;
  }

  private static String value(String v) {
    if (v.length() > 63 || !VALUE.matcher(v).matches()) {
      throw new SelectorException("unable to parse requirement: invalid label value: \"" + v
          + "\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
          + "must start and end with an alphanumeric character");
    }
    return v;
  }

  /**
   * The selector of a {@code metav1.LabelSelector} (matchLabels and matchExpressions), as
   * workload controllers use it. An empty one matches everything.
   */
  public static LabelSelector fromSelector(io.fabric8.kubernetes.api.model.LabelSelector s) {
    List<Requirement> out = new ArrayList<>();
    if (s == null) {
      return everything();
    }
    if (s.getMatchLabels() != null) {
      s.getMatchLabels().forEach((k, v) -> out.add(new Requirement(k, Requirement.Operator.EQUALS, List.of(v))));
    }
    if (s.getMatchExpressions() != null) {
      for (var e : s.getMatchExpressions()) {
        List<String> values = e.getValues() == null ? List.of() : e.getValues();
        Requirement.Operator op = switch (e.getOperator()) {
          case "In" -> Requirement.Operator.IN;
          case "NotIn" -> Requirement.Operator.NOT_IN;
          case "Exists" -> Requirement.Operator.EXISTS;
          case "DoesNotExist" -> Requirement.Operator.DOES_NOT_EXIST;
          default -> throw new SelectorException("\"" + e.getOperator() + "\" is not a valid label selector operator");
        };
        out.add(new Requirement(e.getKey(), op, values));
      }
    }
    return new LabelSelector(out);
  }

  /** The selector of a plain map (a ReplicationController's or a Service's): every pair must match. */
  public static LabelSelector fromMap(Map<String, String> labels) {
    List<Requirement> out = new ArrayList<>();
    new java.util.TreeMap<>(labels).forEach((k, v) -> out.add(new Requirement(k, Requirement.Operator.EQUALS, List.of(v))));
    return new LabelSelector(out);
  }

  public boolean matches(Map<String, String> labels) {
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  @Override
  public String toString() {
    return String.join(",", requirements.stream().map(Requirement::toString).toList());
  }
}
