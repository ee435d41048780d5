package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.selector.FieldSelector;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.watch.ObjectFilter;
import java.util.function.Predicate;

/** Turns a list's namespace and selectors into the cache's filter. */
final class Filters {
  private Filters() {}

  static ObjectFilter of(ResourceType type, String namespace, ListOptions opts) {
    Predicate<ObjectNode> p = o -> true;
    try {
      if (opts.labelSelector() != null && !opts.labelSelector().isBlank()) {
        LabelSelector labels = LabelSelector.parse(opts.labelSelector());
        p = o -> labels.matches(Meta.labels(o));
      }
      if (opts.fieldSelector() != null && !opts.fieldSelector().isBlank()) {
        FieldSelector fields = FieldSelector.parse(opts.fieldSelector());
        fields.checkSupported(type.kind());
        Predicate<ObjectNode> byLabel = p;
        p = o -> byLabel.test(o) && fields.matches(o);
      }
    } catch (SelectorException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String ns = namespace == null || namespace.isEmpty() ? null : namespace;
    return new ObjectFilter(type.keyPrefix(ns), p);
  }
}
