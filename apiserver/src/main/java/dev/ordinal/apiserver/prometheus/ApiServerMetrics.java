package dev.ordinal.apiserver.prometheus;

import java.time.Duration;

/**
 * kube-apiserver's own metric families, with its names and labels: requests by verb, group,
 * version, resource, subresource, scope, component and code; their latency; and the store's
 * latency by operation and type (etcd's metric names, whichever store holds the objects).
 */
public final class ApiServerMetrics {
  private static final MetricRegistry R = MetricRegistry.API_SERVER;

  public static final Counter REQUESTS = R.counter("apiserver_request_total",
      "Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.",
      "verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code");

  public static final Histogram REQUEST_DURATION = R.histogram("apiserver_request_duration_seconds",
      "Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.",
      Histogram.REQUEST_BUCKETS, "verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component");

  public static final Histogram STORAGE_DURATION = R.histogram("etcd_request_duration_seconds",
      "Etcd request latency in seconds for each operation and object type.",
      new double[] {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60},
      "operation", "type");

  public static final Counter STORAGE_ERRORS = R.counter("etcd_request_errors_total",
      "Etcd failed request counts for each operation and object type.", "operation", "type");

  private ApiServerMetrics() {}

  /**
   * Records one answered request. {@code verb} is upstream's: the HTTP method upper-cased, except
   * that GET is LIST on collections and WATCH for watches; {@code resource} is empty for paths that are no resource.
   */
  public static void request(String verb, boolean dryRun, String group, String version, String resource, String subresource,
      String scope, int code, Duration took) {
    String dry = dryRun ? "All" : "";
    REQUESTS.inc(verb, dry, group, version, resource, subresource, scope, "apiserver", Integer.toString(code));
    REQUEST_DURATION.observe(took.toNanos() / 1e9, verb, dry, group, version, resource, subresource, scope, "apiserver");
  }
}
