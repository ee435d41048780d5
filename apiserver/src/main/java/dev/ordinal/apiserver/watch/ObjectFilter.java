package dev.ordinal.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Which objects a list or watch wants: a key prefix (namespace) and a predicate (selectors). */
public record ObjectFilter(String keyPrefix, java.util.function.Predicate<ObjectNode> predicate) {

  public boolean matches(String key, ObjectNode object) {
    return key.startsWith(keyPrefix) && predicate.test(object);
  }
}
