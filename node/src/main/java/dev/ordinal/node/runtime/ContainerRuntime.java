package dev.ordinal.node.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * How the node agent runs pods, shaped after CRI's sandbox-and-containers model but driven per
 * pod: the agent asks the runtime to bring a pod towards its spec and reports what it observes.
 * Implementations: {@code SimulatedRuntime} (no processes, for fast tests and benchmarks) and,
 * with the node-agent work, runc + conmon + CNI. Thread-safe; calls for one pod never overlap.
 */
public interface ContainerRuntime {

  /**
   * Creates the pod's sandbox if needed, runs its init containers one at a time in order, then its
   * app containers, restarting exited ones as the pod's restartPolicy says (with back-off).
   * Returns the state it observed. Never blocks for long.
   */
  PodObservation sync(ObjectNode pod, Instant now);

  /** Runs a startup, liveness or readiness probe of a running container, and says how it went. */
  ProbeResult probe(ObjectNode pod, String container, String kind, Instant now);

  /** Kills a running container (it failed its liveness probe); it is restarted as the pod's restartPolicy says. */
  void kill(ObjectNode pod, String container);

  /**
   * Stops every container of the pod (SIGTERM, then SIGKILL after {@code gracePeriodSeconds}).
   * Returns true once all have stopped; callers call again until then.
   */
  boolean stop(ObjectNode pod, long gracePeriodSeconds, Instant now);

  /**
   * Removes a pod's containers (killing any still running), its sandbox and everything the runtime
   * kept for it, including what only the host holds (network namespace, address, cgroups, mounts).
   * Returns true when nothing is left; on false the runtime still lists the pod in
   * {@link #podsHeld()}, so that a later removal tries again.
   */
  boolean remove(String podUid);

  /**
   * The pods the runtime holds something of (containers, sandboxes, files), whether or not the API
   * still has them: after a crash the agent removes those it no longer runs. Only what this
   * runtime made (its own data directory's pods) is listed, never another instance's on the same host.
   */
  default java.util.Set<String> podsHeld() {
    return java.util.Set.of();
  }

  /**
   * Removes what is left on the host of pods that are neither live nor held by any runtime's
   * records (left by an older version, or another data directory's crash), where removing it cannot
   * disturb anything running; called at start after the held pods' leftovers are removed.
   */
  default void removeOrphans(java.util.Set<String> livePodUids) {}

  /** How many pods the node takes (the Node's pods capacity); kubelet's default is 110. */
  default int podCapacity() {
    return 110;
  }

  /** "simulated://0.1", "runc://1.1.5" — the node's containerRuntimeVersion. */
  String version();
}
