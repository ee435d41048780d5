package dev.ordinal.controllers.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream's default ClusterRoles and ClusterRoleBindings ({@code bootstrap-policy.yaml}), made at
 * every start as kube-apiserver's rbac/bootstrap-roles post-start hook does: missing ones are
 * created; existing ones annotated {@code rbac.authorization.k8s.io/autoupdate: "true"} get back
 * what is missing of their rules, labels and subjects (an administrator's additions stay); those
 * annotated {@code "false"} are left as they are.
 */
public final class BootstrapPolicy {
  static final String AUTOUPDATE = "rbac.authorization.k8s.io/autoupdate";

  private BootstrapPolicy() {}

  /** The default objects, in the order they are written. */
  public static List<ObjectNode> defaults() {
    JsonNode doc;
    try (InputStream in = BootstrapPolicy.class.getResourceAsStream("bootstrap-policy.yaml")) {
      doc = new YAMLMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ObjectNode> out = new ArrayList<>();
    for (JsonNode r : doc.path("clusterRoles")) {
      ObjectNode role = object("ClusterRole", r);
      if (r.has("aggregationRule")) {
        role.set("aggregationRule", r.get("aggregationRule").deepCopy());
      }
      role.set("rules", r.has("rules") ? r.get("rules").deepCopy() : Json.MAPPER.createArrayNode());
      out.add(role);
    }
    for (JsonNode b : doc.path("clusterRoleBindings")) {
      ObjectNode binding = object("ClusterRoleBinding", b);
      binding.putObject("roleRef").put("apiGroup", "rbac.authorization.k8s.io").put("kind", "ClusterRole")
          .put("name", b.path("role").asText());
      ArrayNode subjects = binding.putArray("subjects");
      b.path("groups").forEach(g -> subjects.addObject().put("apiGroup", "rbac.authorization.k8s.io").put("kind", "Group")
          .put("name", g.asText()));
      out.add(binding);
    }
    return out;
  }

  private static ObjectNode object(String kind, JsonNode spec) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "rbac.authorization.k8s.io/v1").put("kind", kind);
    ObjectNode meta = o.putObject("metadata").put("name", spec.path("name").asText());
    ObjectNode labels = meta.putObject("labels").put("kubernetes.io/bootstrapping", "rbac-defaults");
    spec.path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue().deepCopy()));
    meta.putObject("annotations").put(AUTOUPDATE, "true");
    return o;
  }

  /** Creates or tops up every default object. */
  public static void ensure(Client client) {
    for (ObjectNode wanted : defaults()) {
      var type = wanted.path("kind").asText().equals("ClusterRole") ? Types.CLUSTER_ROLES : Types.CLUSTER_ROLE_BINDINGS;
      String name = wanted.path("metadata").path("name").asText();
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          ObjectNode existing = client.find(type, null, name).orElse(null);
          if (existing == null) {
            client.create(type, null, wanted);
          } else {
            ObjectNode merged = reconcile(existing, wanted);
            if (merged != null) {
              client.update(type, merged);
            }
          }
          break;
        } catch (ApiException e) {
          if (e.code() != 409) {
            throw e;
          }
        }
      }
    }
  }

  /**
   * What {@code existing} becomes to hold everything of {@code wanted}, or null when it needs
   * nothing (or asks not to be updated). Aggregated roles' rules are the aggregator's to keep.
   */
  static ObjectNode reconcile(ObjectNode existing, ObjectNode wanted) {
    if ("false".equals(existing.path("metadata").path("annotations").path(AUTOUPDATE).asText())) {
      return null;
    }
    ObjectNode merged = existing.deepCopy();
    ObjectNode labels = merged.with("metadata").with("labels");
    wanted.path("metadata").path("labels").properties().forEach(e -> labels.set(e.getKey(), e.getValue()));
    merged.with("metadata").with("annotations").put(AUTOUPDATE, "true");
    if (wanted.has("aggregationRule")) {
      merged.set("aggregationRule", wanted.get("aggregationRule"));
    } else if (wanted.has("rules")) {
      addMissing(merged.withArray("rules"), wanted.get("rules"));
    }
    if (wanted.has("subjects")) {
      addMissing(merged.withArray("subjects"), wanted.get("subjects"));
    }
    return merged.equals(existing) ? null : merged;
  }

  private static void addMissing(ArrayNode into, JsonNode wanted) {
    for (JsonNode w : wanted) {
      boolean present = false;
      for (JsonNode e : into) {
        present |= e.equals(w);
      }
      if (!present) {
        into.add(w.deepCopy());
      }
    }
  }
}
