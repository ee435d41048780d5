package dev.ordinal.apiserver.prometheus;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * A set of metric families rendered as one scrape. Registering a name twice returns the family
 * already there when it has the same type and labels (so components made twice in one process,
 * as tests do, share it), and refuses otherwise. Thread-safe.
 */
public final class MetricRegistry {
  /** The API server's metrics (and its in-process controllers'), served at {@code /metrics}. */
  public static final MetricRegistry API_SERVER = new MetricRegistry();

  /** The text exposition format's Content-Type. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  static final Comparator<List<String>> LABEL_ORDER = (a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b));

  private final Map<String, MetricFamily> families = new ConcurrentSkipListMap<>();

  public Counter counter(String name, String help, String... labelNames) {
    return register(new Counter(name, help, List.of(labelNames)), Counter.class);
  }

  public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
    return register(new Histogram(name, help, List.of(labelNames), buckets), Histogram.class);
  }

  /** A gauge of one series without labels. */
  public Gauge gauge(String name, String help, Supplier<Double> value) {
    return register(new Gauge(name, help, List.of(), () -> Map.of(List.of(), value.get())), Gauge.class);
  }

  /** A gauge with labels; the supplier maps each combination of label values to its value. */
  public Gauge gauge(String name, String help, Supplier<Map<List<String>, Double>> values, String... labelNames) {
    return register(new Gauge(name, help, List.of(labelNames), values), Gauge.class);
  }

  /** Replaces a gauge's supplier (the latest component to register it is the one read). */
  public Gauge replaceGauge(String name, String help, Supplier<Map<List<String>, Double>> values, String... labelNames) {
    Gauge g = new Gauge(name, help, List.of(labelNames), values);
    families.put(name, g);
    return g;
  }

  private <T extends MetricFamily> T register(T family, Class<T> type) {
    MetricFamily there = families.putIfAbsent(family.name, family);
    if (there == null) {
      return family;
    }
    if (!type.isInstance(there) || !there.labelNames.equals(family.labelNames)) {
      throw new IllegalArgumentException("metric " + family.name + " is already registered with another type or labels");
    }
    return type.cast(there);
  }

  /** Every family in the text exposition format 0.0.4, sorted by name. */
  public String scrape() {
    StringBuilder out = new StringBuilder();
    for (MetricFamily f : families.values()) {
      StringBuilder samples = new StringBuilder();
      f.samples(samples);
      out.append("# HELP ").append(f.name).append(' ').append(f.help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
      out.append("# TYPE ").append(f.name).append(' ').append(f.type()).append('\n');
      out.append(samples);
    }
    return out.toString();
  }
}
