package dev.ordinal.node.metrics;

import dev.ordinal.apiserver.prometheus.Counter;
import dev.ordinal.apiserver.prometheus.Histogram;
import dev.ordinal.apiserver.prometheus.MetricRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The node agent's Prometheus metrics, with kubelet's names: pod start latency (first seen by the
 * agent to running), image pulls and their duration, running pods and containers. One registry per
 * process: the agents of one process (tests run several) add into the same families.
 */
public final class AgentMetrics {
  static final MetricRegistry REGISTRY = new MetricRegistry();

  private static final double[] START_BUCKETS = {0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900,
      1200, 1800, 2700, 3600};

  public static final Histogram POD_START = REGISTRY.histogram("kubelet_pod_start_duration_seconds",
      "Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run", START_BUCKETS);

  public static final Histogram IMAGE_PULL = REGISTRY.histogram("kubelet_image_pull_duration_seconds",
      "Duration in seconds to pull an image.", new double[] {0.5, 1, 5, 10, 20, 30, 60, 120, 300, 600, 900, 1200}, "image_size_in_bytes");

  public static final Counter OPERATIONS = REGISTRY.counter("kubelet_runtime_operations_total",
      "Cumulative number of runtime operations by operation type.", "operation_type");

  public static final Counter OPERATION_ERRORS = REGISTRY.counter("kubelet_runtime_operations_errors_total",
      "Cumulative number of runtime operation errors by operation type.", "operation_type");

  private AgentMetrics() {}

  /** Reads the running pods and containers from these suppliers (the latest agent to call wins). */
  public static void running(IntSupplier pods, IntSupplier containers) {
    REGISTRY.replaceGauge("kubelet_running_pods", "Number of pods that have a running pod sandbox",
        () -> Map.of(List.of(), (double) pods.getAsInt()));
    REGISTRY.replaceGauge("kubelet_running_containers", "Number of containers currently running",
        () -> Map.of(List.of("running"), (double) containers.getAsInt()), "container_state");
  }

  /** One image pull, done or failed after {@code took}. */
  public static void imagePulled(Duration took, long size, boolean ok) {
    OPERATIONS.inc("pull_image");
    if (!ok) {
      OPERATION_ERRORS.inc("pull_image");
      return;
    }
    // kubelet buckets the size label coarsely so that it stays a small set
    String bucket = size < 10L << 20 ? "0-10MB" : size < 100L << 20 ? "10MB-100MB" : size < 500L << 20 ? "100MB-500MB"
        : size < 1L << 30 ? "500MB-1GB" : "1GB+";
    IMAGE_PULL.observe(took.toNanos() / 1e9, bucket);
  }

  /** A pod reached Running {@code took} after the agent first saw it. */
  public static void podStarted(Duration took) {
    POD_START.observe(took.toNanos() / 1e9);
  }

  /** The agent's metrics in the text format. */
  public static String scrape() {
    return REGISTRY.scrape();
  }
}
