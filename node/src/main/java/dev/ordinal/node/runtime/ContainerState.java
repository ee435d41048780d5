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
 * @param image the image the current (or last) run was started from, "" if unknown: after an
 *     in-place update it differs from the spec's until the container is restarted
 * @param imageId the image the container runs, as {@code status.containerStatuses[].imageID} shows it
 *     ({@code repo@sha256:…}), "" before it is known
 */
public record ContainerState(
    String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt, int restartCount,
    String containerId, Termination lastTermination, String message, String image, String imageId) {

  /** A state that does not say which image the container runs (the spec's is reported). */
  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination, String message) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message, "", "");
  }

  /** The same state, naming the image its run was started from. */
  public ContainerState withImage(String runImage) {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination,
        message, runImage == null ? "" : runImage, imageId);
  }

  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, "");
  }

  /** The same, with the image's id. */
  public ContainerState withImageId(String id) {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message,
        image, id == null ? "" : id);
  }

  public enum State {
    WAITING,
    RUNNING,
    TERMINATED
  }

  /** A finished run: exit code, reason and times. */
  public record Termination(int exitCode, String reason, Instant startedAt, Instant finishedAt) {}
}
