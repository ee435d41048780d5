package dev.ordinal.node.runtime;

import java.util.List;

/**
 * A runtime's view of one pod after a sync.
 *
 * @param podIp the sandbox's address, or "" before it has one
 * @param initContainers in spec order; only those started so far
 * @param containers app containers in spec order
 * @param initialized every init container has completed
 */
public record PodObservation(String podIp, List<ContainerState> initContainers, List<ContainerState> containers, boolean initialized) {}
