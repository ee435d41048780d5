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
 */
public record PodObservation(
    String podIp, List<ContainerState> initContainers, List<ContainerState> containers, boolean initialized,
    java.time.Instant nextChange) {}
