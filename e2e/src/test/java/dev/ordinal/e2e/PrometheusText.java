package dev.ordinal.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for tests: every sample must
 * belong to a family declared by a {@code # TYPE} line before it, label values must be well
 * escaped, values must be numbers, and each histogram's buckets must be cumulative up to a
 * {@code +Inf} bucket equal to its {@code _count}. Throws {@link IllegalArgumentException} naming
 * the line otherwise.
 */
final class PrometheusText {
  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new LinkedHashMap<>();
  final List<Sample> samples = new ArrayList<>();

  private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\",?");

  static PrometheusText parse(String text) {
    PrometheusText t = new PrometheusText();
    int n = 0;
    for (String line : text.split("\n")) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] f = line.split(" ");
        if (f.length != 4 || !List.of("counter", "gauge", "histogram", "summary", "untyped").contains(f[3])) {
          throw new IllegalArgumentException("line " + n + ": bad TYPE: " + line);
        }
        if (t.types.put(f[2], f[3]) != null) {
          throw new IllegalArgumentException("line " + n + ": second TYPE for " + f[2]);
        }
        continue;
      }
      if (line.startsWith("#")) {
        continue; // HELP and comments
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("line " + n + ": not a sample: " + line);
      }
      String name = m.group(1);
      String family = t.familyOf(name);
      if (family == null) {
        throw new IllegalArgumentException("line " + n + ": sample of an undeclared family: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(3));
        int end = 0;
        while (l.find() && l.start() == end) {
          labels.put(l.group(1), l.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\"));
          end = l.end();
        }
        if (end != m.group(3).length()) {
          throw new IllegalArgumentException("line " + n + ": bad labels: " + line);
        }
      }
      double value = switch (m.group(4)) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        case "NaN" -> Double.NaN;
        default -> Double.parseDouble(m.group(4));
      };
      t.samples.add(new Sample(name, labels, value));
    }
    t.checkHistograms();
    return t;
  }

  private String familyOf(String sample) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if ("histogram".equals(types.get(base)) || "summary".equals(types.get(base))) {
          return base;
        }
      }
    }
    return null;
  }

  private void checkHistograms() {
    for (Map.Entry<String, String> f : types.entrySet()) {
      if (!f.getValue().equals("histogram")) {
        continue;
      }
      Map<Map<String, String>, Double> last = new LinkedHashMap<>();
      for (Sample s : samples) {
        if (s.name().equals(f.getKey() + "_bucket")) {
          Map<String, String> series = new LinkedHashMap<>(s.labels());
          series.remove("le");
          Double before = last.put(series, s.value());
          if (before != null && s.value() < before) {
            throw new IllegalArgumentException(f.getKey() + ": buckets not cumulative for " + series);
          }
        }
      }
      for (Sample s : samples) {
        if (s.name().equals(f.getKey() + "_count")) {
          Double inf = last.get(s.labels());
          if (inf == null || inf.doubleValue() != s.value()) {
            throw new IllegalArgumentException(f.getKey() + ": the +Inf bucket is not the count for " + s.labels());
          }
        }
      }
    }
  }

  /** The samples of one name whose labels include {@code labels}. */
  List<Sample> find(String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
  }
}
