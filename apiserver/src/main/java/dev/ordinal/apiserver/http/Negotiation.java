package dev.ordinal.apiserver.http;

import java.util.Locale;

/** Reading what a client accepts: Tables for kubectl get, aggregated discovery for kubectl 1.26+. */
final class Negotiation {
  private Negotiation() {}

  static boolean wantsAggregatedDiscovery(String accept) {
    return accept != null && firstOf(accept, "as=apigroupdiscoverylist") && accept.toLowerCase(Locale.ROOT).contains("v=v2");
  }

  /** True when the client prefers a meta.k8s.io Table to the object itself. */
  static boolean wantsTable(String accept) {
    return accept != null && firstOf(accept, "as=table");
  }

  /** True when the first listed media type carries the marker (clients list preferences in order). */
  private static boolean firstOf(String accept, String marker) {
    String first = accept.split(",")[0].toLowerCase(Locale.ROOT).replace(" ", "");
    return first.contains(marker);
  }
}
