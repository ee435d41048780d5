package dev.ordinal.apiserver.http;

import java.util.Locale;

/** Reading what a client accepts: Tables for kubectl get, aggregated discovery for kubectl 1.26+. */
final class Negotiation {
  private Negotiation() {}

  /**
   * The aggregated discovery version the client prefers ("v2", or "v2beta1" for kubectl 1.26–1.29),
   * or null for the legacy documents. The first media range that names one decides.
   */
  static String aggregatedDiscoveryVersion(String accept) {
    if (accept == null) {
      return null;
    }
    for (String range : accept.toLowerCase(Locale.ROOT).replace(" ", "").split(",")) {
      if (!range.contains("as=apigroupdiscoverylist")) {
        return null;
      }
      if (range.contains("v=v2;") || range.endsWith("v=v2")) {
        return "v2";
      }
      if (range.contains("v=v2beta1")) {
        return "v2beta1";
      }
    }
    return null;
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
