package dev.ordinal.apiserver.nodes;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A node's resource usage as the API server asks for it (kubelet's {@code /stats/summary} and
 * {@code /metrics} upstream): what metrics.k8s.io serves, and the agent's Prometheus metrics.
 */
public interface NodeStats {
  /**
   * Usage over a window: CPU as a rate in nanocores (billionths of a core) between two readings
   * {@code window} apart, ending at {@code timestamp}; memory as the working set in bytes at the
   * end (usage less inactive file pages, what the OOM killer cannot reclaim, as kubelet reports).
   */
  record Usage(Instant timestamp, Duration window, long nanoCores, long workingSetBytes) {}

  /** One container's usage. */
  record ContainerUsage(String name, Usage usage) {}

  /** The node's usage and its pods' containers' (by pod uid), from the latest readings. */
  record Summary(Usage node, Map<String, List<ContainerUsage>> pods) {}

  /**
   * The latest readings; a container appears once it has two readings a window apart (a freshly
   * started one is missing for up to one sampling interval, as on metrics-server).
   *
   * @throws IOException when the node cannot be reached
   */
  Summary summary() throws IOException;

  /** The agent's metrics in the Prometheus text format 0.0.4. */
  String prometheus() throws IOException;
}
