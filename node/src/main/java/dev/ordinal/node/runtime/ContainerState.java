package dev.ordinal.node.runtime;

import java.time.Instant;

/**
 * What a runtime reports about one container, in the shape of the Kubernetes container state.
 *
 * @param state running, waiting or terminated
 * @param reason for waiting (ContainerCreating, CrashLoopBackOff, PodInitializing) or terminated
 *     (Completed, Error, OOMKilled)
 * @param lastTermination the previous run's end, or null
 * @param message what went wrong, for a waiting container (a missing ConfigMap, a refused start)
 */
public record ContainerState(
    String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt, int restartCount,
    String containerId, Termination lastTermination, String message) {

  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, "");
  }

  public enum State {
    WAITING,
    RUNNING,
    TERMINATED
  }

  /** A finished run: exit code, reason and times. */
  public record Termination(int exitCode, String reason, Instant startedAt, Instant finishedAt) {}
}
