package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import java.util.Set;

/** PATCH: the three patch types applied to the current object, then written like an update. */
final class Patching {
  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final Set<String> SUPPORTED = Set.of(JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH);

  private Patching() {}

  static ObjectNode patch(Exchange ex, ResourceStore store, String ns, String name, Subresource sub) {
    String ct = ex.contentType();
    if (ct.equals(APPLY_PATCH) || ct.equals("application/apply-patch+cbor")) {
      throw new ApiException(415, "UnsupportedMediaType",
          "server-side apply is not supported by Ordinal yet; use client-side apply (kubectl apply without --server-side)",
          null);
    }
    if (!SUPPORTED.contains(ct)) {
      throw ApiException.unsupportedMediaType(ct);
    }
    return store.patch(ns, name, sub, ct, ex.bodyTree(), ResourceEndpoints.writeOptions(ex));
  }

}
