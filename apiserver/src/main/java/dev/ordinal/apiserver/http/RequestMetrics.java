package dev.ordinal.apiserver.http;

import dev.ordinal.apiserver.prometheus.ApiServerMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Counts an answered request into {@code apiserver_request_total} and its latency histogram, with upstream's labels. */
final class RequestMetrics {
  private RequestMetrics() {}

  static void record(Exchange ex, Instant received) {
    RequestInfo info = RequestInfo.parse(ex.path());
    String method = ex.method().toUpperCase(Locale.ROOT);
    Duration took = Duration.between(received, Instant.now());
    int code = ex.status() == 0 ? 200 : ex.status();
    if (info == null) {
      // a path that is no resource (discovery, /metrics, health): upstream counts it without resource labels
      ApiServerMetrics.request(method, false, "", "", "", "", "", code, took);
      return;
    }
    boolean watch = info.watchPath() || ex.flag("watch");
    String verb = switch (method) {
      case "GET", "HEAD" -> watch ? "WATCH" : info.name() == null ? "LIST" : "GET";
      case "DELETE" -> info.name() == null ? "DELETECOLLECTION" : "DELETE";
      default -> method;
    };
    String scope = info.name() != null ? "resource" : info.namespace() != null ? "namespace" : "cluster";
    boolean dryRun = ex.param("dryRun") != null && !ex.param("dryRun").isEmpty();
    ApiServerMetrics.request(verb, dryRun, info.group(), info.version(), info.plural(),
        info.subresource() == null ? "" : info.subresource(), scope, code, took);
  }
}
