package dev.ordinal.apiserver.prometheus;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** A counter per combination of label values; only goes up. Thread-safe, lock-free on the hot path. */
public final class Counter extends MetricFamily {
  private final Map<List<String>, DoubleAdder> values = new ConcurrentHashMap<>();

  Counter(String name, String help, List<String> labelNames) {
    super(name, help, labelNames);
  }

  @Override
  String type() {
    return "counter";
  }

  public void inc(String... labelValues) {
    add(1, labelValues);
  }

  public void add(double amount, String... labelValues) {
    checkLabels(labelValues);
    values.computeIfAbsent(Arrays.asList(labelValues.clone()), k -> new DoubleAdder()).add(amount);
  }

  /** The current value for these labels (0 if never counted). */
  public double value(String... labelValues) {
    DoubleAdder a = values.get(Arrays.asList(labelValues));
    return a == null ? 0 : a.sum();
  }

  @Override
  void samples(StringBuilder out) {
    values.entrySet().stream().sorted(Map.Entry.comparingByKey(MetricRegistry.LABEL_ORDER)).forEach(e ->
        out.append(name).append(labels(labelNames, e.getKey(), null, null)).append(' ').append(number(e.getValue().sum())).append('\n'));
  }
}
