/**
 * What the node agent measures: containers' CPU and memory from their cgroups (read by
 * {@link dev.ordinal.node.metrics.CgroupReader}, turned into rates by the pure
 * {@link dev.ordinal.node.metrics.CgroupUsage}, sampled by {@link dev.ordinal.node.metrics.StatsSampler}),
 * for metrics.k8s.io; and the agent's Prometheus metrics ({@link dev.ordinal.node.metrics.AgentMetrics}).
 */
package dev.ordinal.node.metrics;
