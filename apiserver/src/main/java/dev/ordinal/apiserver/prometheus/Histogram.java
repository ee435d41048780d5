package dev.ordinal.apiserver.prometheus;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A histogram per combination of label values: cumulative {@code _bucket{le=…}} counts,
 * {@code _sum} and {@code _count}, as client_golang writes them. Thread-safe.
 */
public final class Histogram extends MetricFamily {
  /** kube-apiserver's request duration buckets (seconds). */
  public static final double[] REQUEST_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15,
      20, 30, 45, 60};

  private final double[] bounds;
  private final Map<List<String>, Series> series = new ConcurrentHashMap<>();

  private static final class Series {
    final ReentrantLock lock = new ReentrantLock();
    final long[] counts;
    double sum;
    long count;

    Series(int n) {
      counts = new long[n];
    }
  }

  Histogram(String name, String help, List<String> labelNames, double[] bounds) {
    super(name, help, labelNames);
    this.bounds = bounds.clone();
    Arrays.sort(this.bounds);
  }

  @Override
  String type() {
    return "histogram";
  }

  public void observe(double value, String... labelValues) {
    checkLabels(labelValues);
    Series s = series.computeIfAbsent(Arrays.asList(labelValues.clone()), k -> new Series(bounds.length));
    s.lock.lock();
    try {
      for (int i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]) {
          s.counts[i]++;
          break;
        }
      }
      s.sum += value;
      s.count++;
    } finally {
      s.lock.unlock();
    }
  }

  /** How many observations these labels have. */
  public long count(String... labelValues) {
    Series s = series.get(Arrays.asList(labelValues));
    return s == null ? 0 : s.count;
  }

  @Override
  void samples(StringBuilder out) {
    series.entrySet().stream().sorted(Map.Entry.comparingByKey(MetricRegistry.LABEL_ORDER)).forEach(e -> {
      Series s = e.getValue();
      long[] counts;
      double sum;
      long count;
      s.lock.lock();
      try {
        counts = s.counts.clone();
        sum = s.sum;
        count = s.count;
      } finally {
        s.lock.unlock();
      }
      long cumulative = 0;
      for (int i = 0; i < bounds.length; i++) {
        cumulative += counts[i];
        out.append(name).append("_bucket").append(labels(labelNames, e.getKey(), "le", number(bounds[i]))).append(' ')
            .append(cumulative).append('\n');
      }
      out.append(name).append("_bucket").append(labels(labelNames, e.getKey(), "le", "+Inf")).append(' ').append(count).append('\n');
      out.append(name).append("_sum").append(labels(labelNames, e.getKey(), null, null)).append(' ').append(number(sum)).append('\n');
      out.append(name).append("_count").append(labels(labelNames, e.getKey(), null, null)).append(' ').append(count).append('\n');
    });
  }
}
