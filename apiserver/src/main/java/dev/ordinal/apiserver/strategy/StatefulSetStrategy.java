package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.apps.ReservedOrdinals;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import java.util.List;
import java.util.Map;

/** StatefulSets: apps/v1 defaults and validation, including which spec fields may change. */
final class StatefulSetStrategy implements ResourceStrategy {
  private static final List<String> MUTABLE =
      List.of("replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds");

  @Override
  public void prepareForCreate(ObjectNode sts) {
    sts.remove("status");
    sts.putObject("status").put("replicas", 0).put("availableReplicas", 0);
  }

  @Override
  public void applyDefaults(ObjectNode sts) {
    ObjectNode spec = Defaults.object(sts, "spec");
    Defaults.put(spec, "replicas", 1);
    Defaults.put(spec, "podManagementPolicy", "OrderedReady");
    Defaults.put(spec, "revisionHistoryLimit", 10);
    ObjectNode strategy = Defaults.object(spec, "updateStrategy");
    Defaults.put(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode rolling = Defaults.object(strategy, "rollingUpdate");
      Defaults.put(rolling, "partition", 0);
    }
    ObjectNode retention = Defaults.object(spec, "persistentVolumeClaimRetentionPolicy");
    Defaults.put(retention, "whenDeleted", "Retain");
    Defaults.put(retention, "whenScaled", "Retain");
    ObjectNode template = Defaults.object(spec, "template");
    PodSpecDefaults.apply(Defaults.object(template, "spec"));
    // volumeClaimTemplates stay as written: kubectl apply compares that list whole (it has no
    // merge key), so defaults here would make every re-apply report "configured". Claims made from
    // the templates get the claim defaults when they are created.
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode sts) {
    Errors errs = new Errors();
    JsonNode spec = sts.path("spec");
    for (String f : List.of("replicas", "minReadySeconds")) {
      errs.nonNegative("spec." + f, spec.path(f));
    }
    errs.nonNegative("spec.ordinals.start", spec.path("ordinals").path("start"));
    String reserved = sts.path("metadata").path("annotations").path(ReservedOrdinals.ANNOTATION).asText(null);
    try {
      ReservedOrdinals.parse(reserved);
    } catch (IllegalArgumentException e) {
      errs.invalid("metadata.annotations[" + ReservedOrdinals.ANNOTATION + "]", reserved,
          e.getMessage() + "; must list ordinals and ranges, e.g. \"1,3,5-7\"");
    }
    String policy = spec.path("podManagementPolicy").asText("");
    if (!List.of("OrderedReady", "Parallel").contains(policy)) {
      errs.notSupported("spec.podManagementPolicy", policy, List.of("OrderedReady", "Parallel"));
    }
    updateStrategy(spec.path("updateStrategy"), errs);
    podUpdatePolicy(sts, errs);
    retention(spec.path("persistentVolumeClaimRetentionPolicy"), errs);
    selector(spec, errs);
    String restart = spec.path("template").path("spec").path("restartPolicy").asText("");
    if (!restart.equals("Always")) {
      errs.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always"));
    }
    java.util.Set<String> claimVolumes = new java.util.HashSet<>();
    spec.path("volumeClaimTemplates").forEach(t -> claimVolumes.add(t.path("metadata").path("name").asText("")));
    PodSpecValidation.validate(spec.path("template").path("spec"), "spec.template.spec", claimVolumes, errs);
    return errs.list();
  }

  /** Ordinal's in-place update policy (controllers.statefulset.InPlaceUpdatePlanner reads it). */
  static final String POD_UPDATE_POLICY = "apps.ordinal.dev/pod-update-policy";

  private static void podUpdatePolicy(ObjectNode sts, Errors errs) {
    JsonNode value = sts.path("metadata").path("annotations").path(POD_UPDATE_POLICY);
    List<String> allowed = List.of("ReCreate", "InPlaceIfPossible", "InPlaceOnly");
    if (!value.isMissingNode() && !allowed.contains(value.asText())) {
      errs.notSupported("metadata.annotations[" + POD_UPDATE_POLICY + "]", value.asText(), allowed);
    }
  }

  private static void updateStrategy(JsonNode s, Errors errs) {
    String type = s.path("type").asText("");
    if (!List.of("RollingUpdate", "OnDelete").contains(type)) {
      errs.notSupported("spec.updateStrategy.type", type, List.of("OnDelete", "RollingUpdate"));
    }
    JsonNode rolling = s.path("rollingUpdate");
    if (type.equals("OnDelete") && !rolling.isMissingNode() && !rolling.isNull()) {
      errs.invalid("spec.updateStrategy.rollingUpdate", rolling.toString(), "only allowed for updateStrategy 'RollingUpdate'");
    }
    errs.nonNegative("spec.updateStrategy.rollingUpdate.partition", rolling.path("partition"));
    JsonNode max = rolling.path("maxUnavailable");
    if (max.isNumber() && max.asLong() < 1) {
      errs.invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", max.asLong(), "must be greater than 0");
    } else if (max.isTextual()) {
      String v = max.asText();
      if (!v.matches("[0-9]+%") || Integer.parseInt(v.substring(0, v.length() - 1)) < 1
          || Integer.parseInt(v.substring(0, v.length() - 1)) > 100) {
        errs.invalid("spec.updateStrategy.rollingUpdate.maxUnavailable", v, "must be a positive integer or a percentage in (0%, 100%]");
      }
    }
  }

  private static void retention(JsonNode r, Errors errs) {
    for (String f : List.of("whenDeleted", "whenScaled")) {
      String v = r.path(f).asText("");
      if (!List.of("Retain", "Delete").contains(v)) {
        errs.notSupported("spec.persistentVolumeClaimRetentionPolicy." + f, v, List.of("Retain", "Delete"));
      }
    }
  }

  private static void selector(JsonNode spec, Errors errs) {
    JsonNode sel = spec.path("selector");
    if (sel.isMissingNode() || sel.isNull() || (sel.path("matchLabels").isEmpty() && sel.path("matchExpressions").isEmpty())) {
      errs.invalid("spec.selector", sel.isMissingNode() ? "null" : sel.toString(), "empty selector is invalid for statefulset");
      return;
    }
    Map<String, String> labels = new java.util.HashMap<>();
    spec.path("template").path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    try {
      LabelSelector s = LabelSelector.fromSelector(dev.ordinal.api.Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
      if (!s.matches(labels)) {
        errs.invalid("spec.template.metadata.labels", labels.toString(), "`selector` does not match template `labels`");
      }
    } catch (SelectorException | IllegalArgumentException e) {
      errs.invalid("spec.selector", sel.toString(), e.getMessage());
    }
  }

  @Override
  public List<FieldError> validateUpdate(ObjectNode sts, ObjectNode old) {
    List<FieldError> errs = new java.util.ArrayList<>(validateCreate(sts));
    ObjectNode a = sts.path("spec").deepCopy();
    ObjectNode b = old.path("spec").deepCopy();
    for (String f : MUTABLE) {
      a.remove(f);
      b.remove(f);
    }
    claimTemplateStorage(a, b, errs);
    if (!a.equals(b)) {
      errs.add(FieldError.forbidden("spec", "updates to statefulset spec for fields other than 'replicas', 'ordinals', "
          + "'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
    return errs;
  }

  /**
   * Beyond upstream (kubernetes#68737): a claim template's storage request may grow — the
   * controller grows the set's claims to match — and nothing else of the templates may change.
   * The requests are taken out of both specs here, so the comparison that follows sees the rest.
   */
  private static void claimTemplateStorage(ObjectNode spec, ObjectNode old, List<FieldError> errs) {
    JsonNode now = spec.path("volumeClaimTemplates");
    JsonNode before = old.path("volumeClaimTemplates");
    if (!now.isArray() || !before.isArray() || now.size() != before.size()) {
      return;
    }
    for (int i = 0; i < now.size(); i++) {
      JsonNode a = now.get(i).path("spec").path("resources").path("requests");
      JsonNode b = before.get(i).path("spec").path("resources").path("requests");
      if (!a.isObject() || !b.isObject() || !a.has("storage") || !b.has("storage")) {
        continue;
      }
      try {
        java.math.BigDecimal grown = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
            new io.fabric8.kubernetes.api.model.Quantity(a.path("storage").asText()));
        java.math.BigDecimal was = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
            new io.fabric8.kubernetes.api.model.Quantity(b.path("storage").asText()));
        if (grown.compareTo(was) < 0) {
          errs.add(FieldError.forbidden("spec.volumeClaimTemplates[" + i + "].spec.resources.requests.storage",
              "field can not be less than previous value"));
        }
      } catch (RuntimeException e) {
        continue; // a malformed quantity stays in both, and the comparison refuses the change
      }
      ((ObjectNode) a).remove("storage");
      ((ObjectNode) b).remove("storage");
    }
  }
}
