package dev.ordinal.controllers.runtime;

import dev.ordinal.apiserver.prometheus.MetricRegistry;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;

/**
 * client-go's {@code workqueue_depth{name}} and {@code workqueue_adds_total{name}} for every live
 * work queue of the process, summed by name (queues are held weakly, so a stopped controller's
 * queue leaves the scrape once collected). Served in the API server's {@code /metrics}, where the
 * controllers run.
 */
final class QueueMetrics {
  private static final Set<WorkQueue<?>> QUEUES = Collections.newSetFromMap(new WeakHashMap<>());
  private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();

  static {
    MetricRegistry.API_SERVER.gauge("workqueue_depth", "Current depth of workqueue", QueueMetrics::depths, "name");
  }

  private QueueMetrics() {}

  static void track(WorkQueue<?> q) {
    LOCK.lock();
    try {
      QUEUES.add(q);
    } finally {
      LOCK.unlock();
    }
  }

  /** "statefulset" for StatefulSetController, "nodeagent" for NodeAgent: the owner's class, lower-cased, without "Controller". */
  static String ownerName(Class<?> owner) {
    String n = owner.getSimpleName().isEmpty() ? owner.getName() : owner.getSimpleName();
    if (n.endsWith("Controller") && n.length() > "Controller".length()) {
      n = n.substring(0, n.length() - "Controller".length());
    }
    return n.toLowerCase(Locale.ROOT);
  }

  private static Map<List<String>, Double> depths() {
    List<WorkQueue<?>> live;
    LOCK.lock();
    try {
      live = List.copyOf(QUEUES);
    } finally {
      LOCK.unlock();
    }
    Map<List<String>, Double> out = new TreeMap<>(MetricRegistryOrder.ORDER);
    for (WorkQueue<?> q : live) {
      out.merge(List.of(q.name()), (double) q.length(), Double::sum);
    }
    return out;
  }

  private static final class MetricRegistryOrder {
    static final java.util.Comparator<List<String>> ORDER = (a, b) -> String.join("\u0000", a).compareTo(String.join("\u0000", b));
  }
}
