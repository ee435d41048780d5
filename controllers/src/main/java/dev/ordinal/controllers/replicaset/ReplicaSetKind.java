package dev.ordinal.controllers.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.client.Types;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two kinds one engine runs, as upstream runs ReplicationControllers through the ReplicaSet
 * controller: they differ only in their type and in how the selector is written (a
 * {@code metav1.LabelSelector} in apps/v1, a plain label map in core/v1).
 */
public enum ReplicaSetKind {
  REPLICA_SET(Types.REPLICA_SETS, "replicaset-controller"),
  REPLICATION_CONTROLLER(Types.REPLICATION_CONTROLLERS, "replication-controller");

  private final ResourceType type;
  private final String component;

  ReplicaSetKind(ResourceType type, String component) {
    this.type = type;
    this.component = component;
  }

  public ResourceType type() {
    return type;
  }

  /** The event source, as upstream's controllers name themselves. */
  public String component() {
    return component;
  }

  /** The owner's selector; one that cannot be parsed selects nothing. */
  public LabelSelector selector(ObjectNode owner) {
    JsonNode sel = owner.path("spec").path("selector");
    try {
      if (this == REPLICATION_CONTROLLER) {
        Map<String, String> labels = new TreeMap<>();
        sel.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return LabelSelector.fromMap(labels);
      }
      if (!sel.isObject()) {
        return LabelSelector.fromMap(Map.of());
      }
      return LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
    } catch (RuntimeException e) {
      return LabelSelector.fromMap(Map.of());
    }
  }
}
