/**
 * Prometheus metrics in the text exposition format 0.0.4, written by hand (a few counters,
 * histograms and gauges need no client library): {@link MetricRegistry} holds the families and
 * renders them; the API server's is {@link MetricRegistry#API_SERVER}, each node agent has its own.
 */
package dev.ordinal.apiserver.prometheus;
