package dev.ordinal.node.sim;

import dev.ordinal.node.runtime.ContainerState;
import java.time.Duration;
import java.time.Instant;

/** One simulated container's life: created, running, exited, restarted after a back-off. */
final class SimulatedContainer {
  final String name;
  String id;
  /** The image the current or last run started from (null before the first). */
  String image;
  ContainerState.State state = ContainerState.State.WAITING;
  String reason = "ContainerCreating";
  String message = "";
  Instant createdAt;
  Instant startedAt;
  Instant finishedAt;
  int exitCode;
  int restarts;
  Instant restartAt;
  ContainerState.Termination last;

  SimulatedContainer(String name, String id, Instant now) {
    this.name = name;
    this.id = id;
    this.createdAt = now;
  }

  /** It cannot be created as configured (kubelet's CreateContainerConfigError): it waits, saying why. */
  void refuse(String why) {
    state = ContainerState.State.WAITING;
    reason = "CreateContainerConfigError";
    message = why;
  }

  void run(Instant now) {
    state = ContainerState.State.RUNNING;
    reason = "";
    message = "";
    startedAt = now;
    finishedAt = null;
  }

  /**
   * Its spec's image changed (an in-place update): like kubelet, the run ends and a new container
   * starts at once with the new image, whatever the restartPolicy and without back-off.
   */
  void replace(String newId, String newImage, Instant now) {
    if (state == ContainerState.State.RUNNING) {
      exit(now, 137);
    }
    last = new ContainerState.Termination(exitCode, reason, startedAt, finishedAt);
    restarts++;
    restartAt = null;
    id = newId;
    run(now);
    image = newImage;
  }

  void exit(Instant at, int code) {
    state = ContainerState.State.TERMINATED;
    exitCode = code;
    finishedAt = at;
    reason = code == 0 ? "Completed" : "Error";
  }

  /** Schedules a restart after Kubernetes' crash-loop back-off: base doubling per restart, capped. */
  void backOff(Instant now, Duration base, Duration max) {
    last = new ContainerState.Termination(exitCode, reason, startedAt, finishedAt);
    long factor = 1L << Math.min(restarts, 16);
    Duration delay = base.multipliedBy(factor);
    restartAt = now.plus(delay.compareTo(max) > 0 ? max : delay);
    state = ContainerState.State.WAITING;
    reason = "CrashLoopBackOff";
  }

  ContainerState snapshot() {
    return new ContainerState(name, state, reason, exitCode, startedAt, finishedAt, restarts, "simulated://" + id, last, message)
        .withImage(image);
  }
}
