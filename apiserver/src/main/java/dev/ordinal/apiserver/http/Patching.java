package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.registry.Subresource;
import dev.ordinal.apiserver.registry.WriteOptions;
import java.util.Set;

/**
 * PATCH: the three patch types applied to the current object, then written like an update; and
 * server-side apply ({@code application/apply-patch+yaml}), which merges by field ownership.
 */
final class Patching {
  static final String JSON_PATCH = "application/json-patch+json";
  static final String MERGE_PATCH = "application/merge-patch+json";
  static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  static final String APPLY_PATCH = "application/apply-patch+yaml";
  private static final Set<String> SUPPORTED = Set.of(JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH);

  private Patching() {}

  /**
   * What a PATCH wrote.
   *
   * @param created an apply made the object (answered 201)
   */
  record Result(ObjectNode object, boolean created) {
    int status() {
      return created ? 201 : 200;
    }
  }

  static Result patch(Exchange ex, ResourceStore store, String ns, String name, Subresource sub) {
    String ct = ex.contentType();
    WriteOptions opts = ResourceEndpoints.writeOptions(ex);
    if (ct.equals(APPLY_PATCH)) {
      if (!(ex.bodyTree() instanceof ObjectNode config)) {
        throw ApiException.badRequest("the applied configuration must be an object");
      }
      // the parameter, not the User-Agent: apply names its manager (kubectl sends "kubectl")
      WriteOptions apply = new WriteOptions(opts.dryRun(), ex.param("fieldManager"), opts.fieldValidation(), opts.force());
      ResourceStore.Applied applied = store.apply(ns, name, sub, config, apply);
      return new Result(applied.object(), applied.created());
    }
    if (!ex.param("force").isEmpty()) {
      throw new ApiException(422, "Invalid",
          "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch", null);
    }
    if (!SUPPORTED.contains(ct)) {
      throw ApiException.unsupportedMediaType(ct);
    }
    return new Result(store.patch(ns, name, sub, ct, ex.bodyTree(), opts), false);
  }

}
