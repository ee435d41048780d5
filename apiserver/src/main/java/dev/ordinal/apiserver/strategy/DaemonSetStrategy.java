package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.ArrayList;
import java.util.List;

/**
 * apps/v1 DaemonSets as Kubernetes 1.32's registry treats them: updateStrategy RollingUpdate
 * (maxUnavailable 1, maxSurge 0) and revisionHistoryLimit 10 by default; the selector must match
 * the template and never changes; exactly one of maxUnavailable and maxSurge is non-zero. The
 * template generation (upstream's spec.templateGeneration, which apps/v1 carries in the
 * {@code deprecated.daemonset.template.generation} annotation) starts at 1 and grows with every
 * template change; the controller stamps it on pods as {@code pod-template-generation}.
 */
final class DaemonSetStrategy implements ResourceStrategy {
  static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

  @Override
  public void prepareForCreate(ObjectNode ds) {
    ds.remove("status");
    ds.putObject("status")
        .put("currentNumberScheduled", 0).put("numberMisscheduled", 0)
        .put("desiredNumberScheduled", 0).put("numberReady", 0);
    ObjectNode annotations = Defaults.object(Defaults.object(ds, "metadata"), "annotations");
    long generation = parse(annotations.path(TEMPLATE_GENERATION));
    annotations.put(TEMPLATE_GENERATION, Long.toString(Math.max(generation, 1)));
  }

  @Override
  public void prepareForUpdate(ObjectNode ds, ObjectNode old) {
    long generation = Math.max(parse(old.path("metadata").path("annotations").path(TEMPLATE_GENERATION)), 1);
    if (!ds.path("spec").path("template").equals(old.path("spec").path("template"))) {
      generation++;
    }
    Defaults.object(Defaults.object(ds, "metadata"), "annotations").put(TEMPLATE_GENERATION, Long.toString(generation));
  }

  private static long parse(JsonNode n) {
    try {
      return Long.parseLong(n.asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void applyDefaults(ObjectNode ds) {
    ObjectNode spec = Defaults.object(ds, "spec");
    ObjectNode strategy = Defaults.object(spec, "updateStrategy");
    Defaults.put(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = Defaults.object(strategy, "rollingUpdate");
      Defaults.put(rolling, "maxUnavailable", 1);
      Defaults.put(rolling, "maxSurge", 0);
    }
    Defaults.put(spec, "revisionHistoryLimit", 10);
    ReplicaSetStrategies.templateDefaults(spec);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode ds) {
    Errors errs = new Errors();
    JsonNode spec = ds.path("spec");
    ReplicaSetStrategies.common(spec, "daemonset", errs);
    errs.nonNegative("spec.revisionHistoryLimit", spec.path("revisionHistoryLimit"));
    if (spec.path("template").path("spec").has("activeDeadlineSeconds")) {
      errs.forbidden("spec.template.spec.activeDeadlineSeconds", "activeDeadlineSeconds in DaemonSet is not Supported");
    }
    updateStrategy(spec.path("updateStrategy"), errs);
    return errs.list();
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode ds, ObjectNode old) {
    List<FieldError> errs = new ArrayList<>(validateCreate(ds));
    ReplicaSetStrategies.immutableSelector(ds, old, errs);
    return errs;
  }

  private static void updateStrategy(JsonNode s, Errors errs) {
    String type = s.path("type").asText("");
    if (!List.of("OnDelete", "RollingUpdate").contains(type)) {
      errs.notSupported("spec.updateStrategy.type", type, List.of("OnDelete", "RollingUpdate"));
      return;
    }
    if (type.equals("OnDelete")) {
      return;
    }
    String path = "spec.updateStrategy.rollingUpdate.";
    JsonNode rolling = s.path("rollingUpdate");
    JsonNode unavailable = rolling.path("maxUnavailable");
    JsonNode surge = rolling.path("maxSurge");
    ReplicaSetStrategies.intOrPercent(path + "maxUnavailable", unavailable, true, errs);
    ReplicaSetStrategies.intOrPercent(path + "maxSurge", surge, true, errs);
    boolean hasUnavailable = !ReplicaSetStrategies.isZero(unavailable);
    boolean hasSurge = !ReplicaSetStrategies.isZero(surge);
    if (hasUnavailable && hasSurge) {
      errs.invalid(path + "maxSurge", surge.isNumber() ? surge.asLong() : surge.asText(), "may not be set when maxUnavailable is non-zero");
    } else if (!hasUnavailable && !hasSurge) {
      errs.required(path + "maxUnavailable", "cannot be 0 when maxSurge is 0");
    }
  }
}
