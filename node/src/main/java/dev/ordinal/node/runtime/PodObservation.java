package dev.ordinal.node.runtime;

import java.util.List;

/**
 * A runtime's view of one pod after a sync.
 *
 * @param podIp the sandbox's address, or "" before it has one
 * @param initContainers in spec order; only those started so far
 * @param containers app containers in spec order
 * @param initialized every init container has completed
 * @param nextChange when the runtime knows a container will change by itself (a scheduled exit or
 *     restart), so the agent looks again then; null when only an outside event can change it
 * @param events what happened to the containers during this sync, in order (image found, created,
 *     started, backing off); each is reported once, by the sync it happened in
 * @param ephemeralContainers the ephemeral containers started so far (kubectl debug), in spec order
 */
public record PodObservation(
    String podIp, List<ContainerState> initContainers, List<ContainerState> containers, boolean initialized,
    java.time.Instant nextChange, List<ContainerEvent> events, List<ContainerState> ephemeralContainers) {

  public PodObservation(String podIp, List<ContainerState> initContainers, List<ContainerState> containers, boolean initialized,
      java.time.Instant nextChange, List<ContainerEvent> events) {
    this(podIp, initContainers, containers, initialized, nextChange, events, List.of());
  }

  public PodObservation(String podIp, List<ContainerState> initContainers, List<ContainerState> containers, boolean initialized,
      java.time.Instant nextChange) {
    this(podIp, initContainers, containers, initialized, nextChange, List.of());
  }

  /** Before the runtime has looked at the pod: no sandbox, no container; initialized when it has no init containers. */
  public static PodObservation nothingYet(boolean initialized) {
    return new PodObservation("", List.of(), List.of(), initialized, null);
  }
}
