package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import java.util.List;

/**
 * policy/v1 PodDisruptionBudgets, as upstream's policy validation: minAvailable and
 * maxUnavailable are exclusive, each a non-negative integer or a percentage of at most 100 %;
 * the selector is a valid label selector; unhealthyPodEvictionPolicy is one of the two policies.
 * The status starts empty and is written by the disruption controller and the eviction
 * subresource only; its counts must not be negative.
 */
final class PodDisruptionBudgetStrategy implements ResourceStrategy {
  static final String PERCENT_MESSAGE = "a valid percent string must be a numeric string followed by an ending '%' "
      + "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
  private static final List<String> POLICIES = List.of("AlwaysAllow", "IfHealthyBudget");

  @Override
  public void prepareForCreate(ObjectNode pdb) {
    pdb.remove("status");
    pdb.putObject("status").put("disruptionsAllowed", 0).put("currentHealthy", 0).put("desiredHealthy", 0)
        .put("expectedPods", 0);
  }

  @Override
  public List<FieldError> validateCreate(ObjectNode pdb) {
    Errors errs = new Errors();
    JsonNode spec = pdb.path("spec");
    if (present(spec.path("minAvailable")) && present(spec.path("maxUnavailable"))) {
      errs.invalid("spec", spec.toString(), "minAvailable and maxUnavailable cannot be both set");
    }
    intOrPercent(spec.path("minAvailable"), "spec.minAvailable", errs);
    intOrPercent(spec.path("maxUnavailable"), "spec.maxUnavailable", errs);
    LabelSelectorValidation.validate(spec.path("selector"), "spec.selector", errs);
    JsonNode policy = spec.path("unhealthyPodEvictionPolicy");
    if (present(policy) && !POLICIES.contains(policy.asText())) {
      errs.notSupported("spec.unhealthyPodEvictionPolicy", policy.asText(), POLICIES);
    }
    return errs.list();
  }

  @Override
  public List<FieldError> validateStatusUpdate(ObjectNode pdb, ObjectNode old) {
    Errors errs = new Errors();
    for (String f : List.of("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods")) {
      errs.nonNegative("status." + f, pdb.path("status").path(f));
    }
    return errs.list();
  }

  private static boolean present(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }

  /** appsvalidation.ValidatePositiveIntOrPercent and IsNotMoreThan100Percent. */
  static void intOrPercent(JsonNode v, String path, Errors errs) {
    if (!present(v)) {
      return;
    }
    if (v.isIntegralNumber()) {
      errs.nonNegative(path, v);
      return;
    }
    if (!v.isTextual()) {
      errs.invalid(path, v.toString(), "must be an integer or percentage (e.g '5%')");
      return;
    }
    String s = v.asText();
    if (!s.matches("[0-9]+%")) {
      errs.invalid(path, s, PERCENT_MESSAGE);
      return;
    }
    String digits = s.substring(0, s.length() - 1);
    if (digits.length() > 3 || Integer.parseInt(digits) > 100) {
      errs.invalid(path, s, "must not be greater than 100%");
    }
  }
}
