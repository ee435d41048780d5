package dev.ordinal.apiserver.prometheus;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A gauge read when scraped: its supplier gives the value per combination of label values (a
 * queue's depth, the containers running), so nothing has to keep it up to date.
 */
public final class Gauge extends MetricFamily {
  private final Supplier<Map<List<String>, Double>> read;

  Gauge(String name, String help, List<String> labelNames, Supplier<Map<List<String>, Double>> read) {
    super(name, help, labelNames);
    this.read = read;
  }

  @Override
  String type() {
    return "gauge";
  }

  @Override
  void samples(StringBuilder out) {
    read.get().entrySet().stream().sorted(Map.Entry.comparingByKey(MetricRegistry.LABEL_ORDER)).forEach(e ->
        out.append(name).append(labels(labelNames, e.getKey(), null, null)).append(' ').append(number(e.getValue())).append('\n'));
  }
}
