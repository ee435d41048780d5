package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * apps/v1 Deployments and ReplicaSets and core/v1 ReplicationControllers: defaults and validation
 * as Kubernetes 1.32's registry applies them (apps/v1 defaults; selectors immutable in apps/v1).
 */
final class ReplicaSetStrategies {
  private ReplicaSetStrategies() {}

  /** A value rendered as Go's %#v renders it, e.g. {@code map[string]string{"app":"web"}}. */
  record GoValue(String text) {
    @Override
    public String toString() {
      return text;
    }

    static GoValue of(Map<String, String> map) {
      StringBuilder b = new StringBuilder("map[string]string{");
      String sep = "";
      for (Map.Entry<String, String> e : new TreeMap<>(map).entrySet()) {
        b.append(sep).append('"').append(e.getKey()).append("\":\"").append(e.getValue()).append('"');
        sep = ", ";
      }
      return new GoValue(b.append('}').toString());
    }
  }

  static final ResourceStrategy DEPLOYMENT = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode d) {
      d.remove("status");
      d.putObject("status");
    }

    @Override
    public void applyDefaults(ObjectNode d) {
      ObjectNode spec = Defaults.object(d, "spec");
      Defaults.put(spec, "replicas", 1);
      ObjectNode strategy = Defaults.object(spec, "strategy");
      Defaults.put(strategy, "type", "RollingUpdate");
      if (strategy.path("type").asText().equals("RollingUpdate")) {
        ObjectNode rolling = Defaults.object(strategy, "rollingUpdate");
        Defaults.put(rolling, "maxUnavailable", "25%");
        Defaults.put(rolling, "maxSurge", "25%");
      }
      Defaults.put(spec, "revisionHistoryLimit", 10);
      Defaults.put(spec, "progressDeadlineSeconds", 600);
      templateDefaults(spec);
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode d) {
      Errors errs = new Errors();
      JsonNode spec = d.path("spec");
      common(spec, "deployment", errs);
      errs.nonNegative("spec.revisionHistoryLimit", spec.path("revisionHistoryLimit"));
      JsonNode deadline = spec.path("progressDeadlineSeconds");
      if (deadline.isNumber()) {
        errs.nonNegative("spec.progressDeadlineSeconds", deadline);
        if (deadline.asLong() <= spec.path("minReadySeconds").asLong(0)) {
          errs.invalid("spec.progressDeadlineSeconds", deadline.asLong(), "must be greater than minReadySeconds");
        }
      }
      strategy(spec.path("strategy"), errs);
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode d, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validateCreate(d));
      immutableSelector(d, old, errs);
      return errs;
    }
  };

  static final ResourceStrategy REPLICA_SET = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode rs) {
      rs.remove("status");
      rs.putObject("status").put("replicas", 0);
    }

    @Override
    public void applyDefaults(ObjectNode rs) {
      ObjectNode spec = Defaults.object(rs, "spec");
      Defaults.put(spec, "replicas", 1);
      templateDefaults(spec);
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode rs) {
      Errors errs = new Errors();
      common(rs.path("spec"), "replicaset", errs);
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode rs, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validateCreate(rs));
      immutableSelector(rs, old, errs);
      return errs;
    }
  };

  /** core/v1: the selector is a plain map, defaulted (with the labels) from the template's labels. */
  static final ResourceStrategy REPLICATION_CONTROLLER = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode rc) {
      rc.remove("status");
      rc.putObject("status").put("replicas", 0);
    }

    @Override
    public void applyDefaults(ObjectNode rc) {
      ObjectNode spec = Defaults.object(rc, "spec");
      Defaults.put(spec, "replicas", 1);
      JsonNode labels = spec.path("template").path("metadata").path("labels");
      if (labels.isObject() && !labels.isEmpty()) {
        if (!spec.path("selector").isObject() || spec.path("selector").isEmpty()) {
          spec.set("selector", labels.deepCopy());
        }
        ObjectNode meta = Defaults.object(rc, "metadata");
        if (!meta.path("labels").isObject() || meta.path("labels").isEmpty()) {
          meta.set("labels", labels.deepCopy());
        }
      }
      if (spec.path("template").isObject()) {
        templateDefaults(spec);
      }
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode rc) {
      Errors errs = new Errors();
      JsonNode spec = rc.path("spec");
      errs.nonNegative("spec.replicas", spec.path("replicas"));
      errs.nonNegative("spec.minReadySeconds", spec.path("minReadySeconds"));
      Map<String, String> selector = strings(spec.path("selector"));
      if (selector.isEmpty()) {
        errs.required("spec.selector", "");
      }
      JsonNode template = spec.path("template");
      if (!template.isObject()) {
        errs.required("spec.template", "");
        return errs.list();
      }
      Map<String, String> labels = strings(template.path("metadata").path("labels"));
      if (!selector.isEmpty() && !LabelSelector.fromMap(selector).matches(labels)) {
        errs.invalid("spec.template.metadata.labels", GoValue.of(labels), "`selector` does not match template `labels`");
      }
      podTemplate(spec, errs);
      return errs.list();
    }
  };

  static void templateDefaults(ObjectNode spec) {
    ObjectNode template = Defaults.object(spec, "template");
    PodSpecDefaults.apply(Defaults.object(template, "spec"));
  }

  /** Rules shared by Deployments and ReplicaSets: counts, selector against template, pod spec. */
  static void common(JsonNode spec, String kind, Errors errs) {
    errs.nonNegative("spec.replicas", spec.path("replicas"));
    errs.nonNegative("spec.minReadySeconds", spec.path("minReadySeconds"));
    JsonNode sel = spec.path("selector");
    if (!sel.isObject() || (sel.path("matchLabels").isEmpty() && sel.path("matchExpressions").isEmpty())) {
      if (!sel.isObject()) {
        errs.required("spec.selector", "");
      }
      errs.invalid("spec.selector", sel.isObject() ? sel.toString() : "null", "empty selector is invalid for " + kind);
    } else {
      Map<String, String> labels = strings(spec.path("template").path("metadata").path("labels"));
      try {
        LabelSelector s = LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
        if (!s.matches(labels)) {
          errs.invalid("spec.template.metadata.labels", GoValue.of(labels), "`selector` does not match template `labels`");
        }
      } catch (SelectorException | IllegalArgumentException e) {
        errs.invalid("spec.selector", sel.toString(), e.getMessage());
      }
    }
    podTemplate(spec, errs);
  }

  private static void podTemplate(JsonNode spec, Errors errs) {
    String restart = spec.path("template").path("spec").path("restartPolicy").asText("");
    if (!restart.equals("Always")) {
      errs.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always"));
    }
    PodSpecValidation.validate(spec.path("template").path("spec"), "spec.template.spec", java.util.Set.of(), errs);
  }

  private static void strategy(JsonNode s, Errors errs) {
    String type = s.path("type").asText("");
    if (!List.of("Recreate", "RollingUpdate").contains(type)) {
      errs.notSupported("spec.strategy.type", type, List.of("Recreate", "RollingUpdate"));
      return;
    }
    JsonNode rolling = s.path("rollingUpdate");
    if (type.equals("Recreate")) {
      if (!rolling.isMissingNode() && !rolling.isNull()) {
        errs.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
      }
      return;
    }
    JsonNode unavailable = rolling.path("maxUnavailable");
    JsonNode surge = rolling.path("maxSurge");
    intOrPercent("spec.strategy.rollingUpdate.maxUnavailable", unavailable, true, errs);
    intOrPercent("spec.strategy.rollingUpdate.maxSurge", surge, false, errs);
    if (isZero(unavailable) && isZero(surge)) {
      errs.invalid("spec.strategy.rollingUpdate.maxUnavailable", unavailable.isTextual() ? unavailable.asText() : unavailable.asLong(),
          "may not be 0 when `maxSurge` is 0");
    }
  }

  static boolean isZero(JsonNode n) {
    return n.isNumber() ? n.asLong() == 0 : n.asText("").equals("0%") || n.asText("").equals("0");
  }

  static void intOrPercent(String path, JsonNode n, boolean atMostAll, Errors errs) {
    if (n.isNumber()) {
      errs.nonNegative(path, n);
      return;
    }
    String v = n.asText("");
    if (!v.matches("[0-9]+%")) {
      errs.invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' "
          + "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
    } else if (atMostAll && Long.parseLong(v.substring(0, v.length() - 1)) > 100) {
      errs.invalid(path, v, "must not be greater than 100%");
    }
  }

  static void immutableSelector(ObjectNode obj, ObjectNode old, List<FieldError> errs) {
    JsonNode a = obj.path("spec").path("selector");
    JsonNode b = old.path("spec").path("selector");
    if (!a.equals(b)) {
      errs.add(FieldError.invalid("spec.selector", new GoValue(a.toString()), "field is immutable"));
    }
  }

  static Map<String, String> strings(JsonNode map) {
    Map<String, String> out = new TreeMap<>();
    map.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }
}
