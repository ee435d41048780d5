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
 * @param resources the requirements the running container's cgroup was given (its spec's
 *     {@code resources} as last applied), or null: the runtime applies the spec's as it stands
 * @param resizeError why applying new resources to the running container failed, "" if it did not
 */
public record ContainerState(
    String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt, int restartCount,
    String containerId, Termination lastTermination, String message, String image, String imageId,
    com.fasterxml.jackson.databind.JsonNode resources, String resizeError) {

  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination, String message, String image, String imageId) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message, image, imageId,
        null, "");
  }

  /** The same state, with the resources its cgroup has and why a resize failed. */
  public ContainerState withResources(com.fasterxml.jackson.databind.JsonNode applied, String error) {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination,
        message, image, imageId, applied, error == null ? "" : error);
  }

  /** A state that does not say which image the container runs (the spec's is reported). */
  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination, String message) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message, "", "");
  }

  /** The same state, naming the image its run was started from. */
  public ContainerState withImage(String runImage) {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination,
        message, runImage == null ? "" : runImage, imageId, resources, resizeError);
  }

  public ContainerState(String name, State state, String reason, int exitCode, Instant startedAt, Instant finishedAt,
      int restartCount, String containerId, Termination lastTermination) {
    this(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, "");
  }

  /** The same, with the image's id. */
  public ContainerState withImageId(String id) {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restartCount, containerId, lastTermination, message,
        image, id == null ? "" : id, resources, resizeError);
  }

  public enum State {
    WAITING,
    RUNNING,
    TERMINATED
  }

  /** A finished run: exit code, reason and times. */
  public record Termination(int exitCode, String reason, Instant startedAt, Instant finishedAt) {}
}
