package dev.ordinal.apiserver.nodes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A node's container logs, as the API server reaches them for {@code pods/log}: on one machine the
 * node agent runs in the same process and hands its log files over directly.
 */
public interface PodLogs {
  /** The log file (CRI format) of the container's current run, or its previous one. */
  Optional<Path> logFile(String podUid, String container, boolean previous);

  /**
   * Every log file of that run, oldest first: the rotated ones, then the current one (the last),
   * so that {@code kubectl logs} reads across rotation.
   */
  default java.util.List<Path> logFiles(String podUid, String container, boolean previous) {
    return logFile(podUid, container, previous).map(java.util.List::of).orElse(java.util.List.of());
  }

  /** Whether the container's current run may still write to its log (follow stops once it may not). */
  boolean running(String podUid, String container);
}
