package dev.ordinal.controllers.disruption;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import java.util.Optional;

/**
 * The scale of a pod's controller, found as upstream's disruption controller finds it: a
 * ReplicationController, a Deployment through its ReplicaSet, a ReplicaSet no Deployment controls,
 * a StatefulSet, or any other kind with the scale subresource. A reference whose object is gone or
 * has another uid finds nothing. Kinds the catalogue does not serve are errors, as upstream's REST
 * mapping fails for them. Pure over {@link Lookup}.
 */
final class ControllerScales {
  /** The controller and its wanted replica count. */
  record Scale(String uid, long replicas) {}

  /** Reads an object (from an informer's cache or the API). */
  interface Lookup {
    Optional<ObjectNode> find(ResourceType type, String namespace, String name);
  }

  /** The controller cannot be resolved; the message becomes the budget's SyncFailed condition. */
  static final class ScaleException extends Exception {
    ScaleException(String message) {
      super(message);
    }
  }

  private final ResourceCatalog catalog;
  private final Lookup lookup;

  ControllerScales(ResourceCatalog catalog, Lookup lookup) {
    this.catalog = catalog;
    this.lookup = lookup;
  }

  /**
   * The scale behind one controller reference of a pod in {@code namespace}, or empty when the
   * referenced object does not exist (any more) as referenced.
   */
  Optional<Scale> of(String namespace, ObjectNode ref) throws ScaleException {
    String apiVersion = ref.path("apiVersion").asText("");
    String kind = ref.path("kind").asText("");
    ResourceType type = typeOf(apiVersion, kind)
        .orElseThrow(() -> new ScaleException("no matches for kind \"" + kind + "\" in version \"" + apiVersion + "\""));
    Optional<ObjectNode> obj = referenced(type, namespace, ref);
    if (obj.isEmpty()) {
      return Optional.empty();
    }
    if (kind.equals("ReplicaSet")) {
      // a Deployment's ReplicaSets count as the Deployment (its replicas, across all its sets)
      ObjectNode owner = controllerOf(obj.get());
      if (owner != null && owner.path("kind").asText("").equals("Deployment")) {
        Optional<ResourceType> deployments = typeOf(owner.path("apiVersion").asText(""), "Deployment");
        Optional<ObjectNode> deployment = deployments.flatMap(t -> referenced(t, namespace, owner));
        if (deployment.isPresent()) {
          return Optional.of(scaleOf(deployment.get()));
        }
      }
    }
    if (!type.subresources().contains("scale") && !kind.equals("ReplicationController") && !kind.equals("ReplicaSet")) {
      throw new ScaleException(type.qualifiedName() + " does not implement the scale subresource");
    }
    return Optional.of(scaleOf(obj.get()));
  }

  /** The pod's (or any object's) controller reference, or null. */
  static ObjectNode controllerOf(ObjectNode obj) {
    for (var ref : obj.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false) && ref instanceof ObjectNode o) {
        return o;
      }
    }
    return null;
  }

  private Optional<ObjectNode> referenced(ResourceType type, String namespace, ObjectNode ref) {
    return lookup.find(type, type.namespaced() ? namespace : null, ref.path("name").asText(""))
        .filter(o -> o.path("metadata").path("uid").asText("").equals(ref.path("uid").asText("")));
  }

  /** The served type of a reference; apps/v1beta1-style versions resolve to the served version. */
  private Optional<ResourceType> typeOf(String apiVersion, String kind) {
    Optional<ResourceType> exact = catalog.byKind(apiVersion, kind);
    if (exact.isPresent()) {
      return exact;
    }
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String g = group.equals("extensions") ? "apps" : group;
    return catalog.all().stream().filter(t -> t.group().equals(g) && t.kind().equals(kind)).findFirst();
  }

  private static Scale scaleOf(ObjectNode obj) {
    // spec.replicas defaults to 1 for every scalable workload
    return new Scale(obj.path("metadata").path("uid").asText(""), obj.path("spec").path("replicas").asLong(1));
  }
}
