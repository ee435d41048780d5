package dev.ordinal.controllers.gc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.registry.Meta;
import java.util.Optional;
import java.util.function.BiFunction;

/** Which object a work-queue key names: its type, namespace and name, in one string. */
record ObjectRef(ResourceType type, String namespace, String name) {

  static ObjectRef of(ResourceType type, ObjectNode obj) {
    return new ObjectRef(type, type.namespaced() ? Meta.namespace(obj) : null, Meta.name(obj));
  }

  /** {@code apiVersion|kind|namespace|name}. */
  String key() {
    return type.apiVersion() + "|" + type.kind() + "|" + (namespace == null ? "" : namespace) + "|" + name;
  }

  /** @param byKind the served type of an apiVersion and kind */
  static Optional<ObjectRef> parse(BiFunction<String, String, Optional<ResourceType>> byKind, String key) {
    String[] p = key.split("\\|", -1);
    if (p.length != 4) {
      return Optional.empty();
    }
    return byKind.apply(p[0], p[1]).map(t -> new ObjectRef(t, p[2].isEmpty() ? null : p[2], p[3]));
  }
}
