package dev.ordinal.apiserver.prometheus;

import java.util.List;

/** One metric family as the text format shows it: {@code # HELP}, {@code # TYPE}, then its samples. */
public abstract class MetricFamily {
  final String name;
  final String help;
  final List<String> labelNames;

  MetricFamily(String name, String help, List<String> labelNames) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("bad metric name " + name);
    }
    this.name = name;
    this.help = help;
    this.labelNames = List.copyOf(labelNames);
  }

  /** "counter", "gauge" or "histogram". */
  abstract String type();

  /** Appends the family's sample lines (not its HELP and TYPE lines). Thread-safe. */
  abstract void samples(StringBuilder out);

  final void checkLabels(String[] values) {
    if (values.length != labelNames.size()) {
      throw new IllegalArgumentException(name + " takes labels " + labelNames + ", got " + values.length + " values");
    }
  }

  /** {@code {a="x",b="y"}} (empty without labels), with {@code extra} (e.g. {@code le}) last. */
  static String labels(List<String> names, List<String> values, String extraName, String extraValue) {
    if (names.isEmpty() && extraName == null) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      b.append(names.get(i)).append("=\"").append(escape(values.get(i))).append('"');
    }
    if (extraName != null) {
      if (!names.isEmpty()) {
        b.append(',');
      }
      b.append(extraName).append("=\"").append(escape(extraValue)).append('"');
    }
    return b.append('}').toString();
  }

  /** The text format's label value escapes: backslash, double quote and line feed. */
  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** A sample value as Go's strconv formats it for Prometheus (integers without a fraction, +Inf). */
  static String number(double v) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
