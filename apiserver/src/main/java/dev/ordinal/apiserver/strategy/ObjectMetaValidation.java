package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The metadata rules every object follows: names, labels, annotations, immutable fields. */
public final class ObjectMetaValidation {
  private static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;
  /** Kinds whose names must be DNS-1123 labels (they become host or DNS names). */
  private static final Set<String> LABEL_NAMED = Set.of("Namespace", "StatefulSet");
  private static final Map<String, Function<String, List<String>>> NAME_RULE = Map.of(
      "Service", NameRules::dns1035Label,
      // RBAC names are path segments only (system:aggregate-to-admin), as upstream's ValidateRBACName
      "Role", NameRules::pathSegment, "ClusterRole", NameRules::pathSegment,
      "RoleBinding", NameRules::pathSegment, "ClusterRoleBinding", NameRules::pathSegment);

  private ObjectMetaValidation() {}

  public static List<FieldError> validate(ResourceType type, ObjectNode obj) {
    Errors errs = new Errors();
    JsonNode meta = obj.path("metadata");
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      errs.required("metadata.name", "name or generateName is required");
    } else {
      Function<String, List<String>> rule = NAME_RULE.getOrDefault(type.kind(),
          LABEL_NAMED.contains(type.kind()) ? NameRules::dns1123Label : NameRules::dns1123Subdomain);
      errs.invalidAll("metadata.name", name, rule.apply(name));
    }
    if (type.namespaced()) {
      String ns = meta.path("namespace").asText("");
      if (ns.isEmpty()) {
        errs.required("metadata.namespace", "");
      } else {
        errs.invalidAll("metadata.namespace", ns, NameRules.dns1123Label(ns));
      }
    }
    labels(meta.path("labels"), errs);
    annotations(meta.path("annotations"), errs);
    return errs.list();
  }

  public static List<FieldError> validateUpdate(ResourceType type, ObjectNode obj, ObjectNode old) {
    List<FieldError> errs = new java.util.ArrayList<>(validate(type, obj));
    for (String f : List.of("name", "namespace", "uid", "creationTimestamp")) {
      JsonNode a = obj.path("metadata").path(f);
      JsonNode b = old.path("metadata").path(f);
      if (!a.equals(b)) {
        errs.add(FieldError.invalid("metadata." + f, a.asText(), "field is immutable"));
      }
    }
    return errs;
  }

  private static void labels(JsonNode labels, Errors errs) {
    if (!labels.isObject()) {
      return;
    }
    labels.fields().forEachRemaining(e -> {
      errs.invalidAll("metadata.labels", e.getKey(), NameRules.qualifiedName(e.getKey()));
      errs.invalidAll("metadata.labels", e.getValue().asText(), NameRules.labelValue(e.getValue().asText()));
    });
  }

  private static void annotations(JsonNode annotations, Errors errs) {
    if (!annotations.isObject()) {
      return;
    }
    long[] size = {0};
    annotations.fields().forEachRemaining(e -> {
      errs.invalidAll("metadata.annotations", e.getKey(), NameRules.qualifiedName(e.getKey().toLowerCase(java.util.Locale.ROOT)));
      size[0] += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
    });
    if (size[0] > MAX_ANNOTATIONS_BYTES) {
      errs.add(new FieldError("metadata.annotations", FieldError.Type.TOO_LONG, null,
          "must have at most " + MAX_ANNOTATIONS_BYTES + " bytes"));
    }
  }
}
