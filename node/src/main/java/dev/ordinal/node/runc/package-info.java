/**
 * The real runtime: pods as runc containers supervised by conmon, each pod in its own network
 * namespace on the {@code ord0} bridge (CNI), with a root filesystem that is an overlay over the
 * host's ("host images") and its volumes bind-mounted in.
 */
package dev.ordinal.node.runc;
