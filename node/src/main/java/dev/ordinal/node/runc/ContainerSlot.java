package dev.ordinal.node.runc;

import dev.ordinal.node.runtime.ContainerState;
import java.time.Duration;
import java.time.Instant;

/**
 * One container of a pod across its runs: the current run, how often it was restarted, how its
 * last run ended, and when the back-off lets it run again (10 s doubling to 5 min, as kubelet's,
 * reset once a run has lasted 10 minutes).
 */
final class ContainerSlot {
  final String name;
  RuncContainer current;
  int restarts;
  ContainerState.Termination last;
  Instant restartAt;
  /** The current run's exit has been accounted for (its termination recorded, its container deleted). */
  boolean exitSeen;
  String waitingReason = "ContainerCreating";
  String message = "";
  /**
   * The image the current run was started from, as its spec names it; null for a run adopted after
   * an agent restart, or before the first start.
   */
  String image;
  /** When the current run was told to stop because its spec's image changed (an in-place update), or null. */
  Instant replacing;
  /**
   * The requirements ({@code resources}) the current run's cgroup has: its spec's at start, then
   * each resize's; null before the first start. An adopted run is taken to have its spec's.
   */
  com.fasterxml.jackson.databind.JsonNode resources;
  /** Why the last resize of the current run failed ("" if it did not). */
  String resizeError = "";
  /** The current run is being restarted to take new resources (resizePolicy RestartContainer). */
  boolean resizeRestart;
  /** The back-off wait a BackOff event has been recorded for (one per wait). */
  Instant backOffReported;
  /** That image's id and store id once known (null: not looked up yet). */
  String imageId;
  String storeId;
  private int backOffs;
  private Duration delay = Duration.ZERO;

  ContainerSlot(String name) {
    this.name = name;
  }

  /** Records the end of the current run and when the next may start. */
  void finished(ContainerState.Termination t, Instant now, Duration base, Duration max) {
    last = t;
    if (t.startedAt() != null && Duration.between(t.startedAt(), t.finishedAt()).compareTo(Duration.ofMinutes(10)) > 0) {
      backOffs = 0;
    }
    Duration next = base.multipliedBy(1L << Math.min(backOffs, 10));
    backOffs++;
    delay = next.compareTo(max) > 0 ? max : next;
    restartAt = now.plus(delay);
  }

  /** How long the current back-off is (kubelet names it in the waiting message). */
  Duration backOffDelay() {
    return delay;
  }
}
