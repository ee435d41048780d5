package dev.ordinal.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A custom resource's scale subresource: where its desired and observed replica counts and its
 * label selector live ({@code .spec.replicas}, {@code .status.replicas}, {@code .status.selector}).
 *
 * @param labelSelectorPath empty when the CRD names none
 */
public record ScaleSubresource(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {

  static ScaleSubresource of(JsonNode scale) {
    return new ScaleSubresource(scale.path("specReplicasPath").asText(), scale.path("statusReplicasPath").asText(),
        scale.path("labelSelectorPath").asText(""));
  }

  public JsonNode specReplicas(ObjectNode obj) {
    return at(obj, specReplicasPath);
  }

  public JsonNode statusReplicas(ObjectNode obj) {
    return at(obj, statusReplicasPath);
  }

  public String selector(ObjectNode obj) {
    return labelSelectorPath.isEmpty() ? "" : at(obj, labelSelectorPath).asText("");
  }

  /** Sets the desired replicas, making the objects on the way. */
  public void setReplicas(ObjectNode obj, long replicas) {
    List<String> parts = parts(specReplicasPath);
    ObjectNode o = obj;
    for (String p : parts.subList(0, parts.size() - 1)) {
      o = o.with(p);
    }
    o.put(parts.get(parts.size() - 1), replicas);
  }

  private static JsonNode at(ObjectNode obj, String path) {
    JsonNode n = obj;
    for (String p : parts(path)) {
      n = n.path(p);
    }
    return n;
  }

  private static List<String> parts(String path) {
    return List.of(path.replaceFirst("^\\.", "").split("\\."));
  }
}
