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
 * @param imageId the image the container runs, as {@code status.containerStatuses[].imageID} shows it
 *     ({@code repo@sha256:…}), "" before it is known
 */
public record ContainerState(
    String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt, int restartCount,
    String containerId, Termination lastTermination, String message, String imageId) {

  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination, String message) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message, "");
  }

  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, "");
  }

  /** The same, with the image's id. */
  public ContainerState withImageId(String id) {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message,
        id == null ? "" : id);
  }

  public enum State {
    WAITING,
    RUNNING,
    TERMINATED
  }

  /** A finished run: exit code, reason and times. */
  public record Termination(int exitCode, String reason, Instant startedAt, Instant finishedAt) {}
}
