package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** A node's view of the API with nothing in it; tests override what their pods need. */
class NoPodResources implements PodResources {
  @Override
  public Optional<ObjectNode> configMap(String namespace, String name) {
    return Optional.empty();
  }

  @Override
  public Optional<ObjectNode> secret(String namespace, String name) {
    return Optional.empty();
  }

  @Override
  public Optional<ObjectNode> claim(String namespace, String name) {
    return Optional.empty();
  }

  @Override
  public Optional<ObjectNode> volume(String name) {
    return Optional.empty();
  }

  @Override
  public List<ObjectNode> services(String namespace) {
    return List.of();
  }
}
