/**
 * metrics.k8s.io/v1beta1 (metrics-server's API, which {@code kubectl top} reads), served by the API
 * server itself from the nodes' usage readings: {@link MetricsEndpoints} answers the requests,
 * {@link ResourceMetrics} (pure) writes NodeMetrics and PodMetrics from a node's or pod's object
 * and its usage.
 */
package dev.ordinal.apiserver.metrics;
