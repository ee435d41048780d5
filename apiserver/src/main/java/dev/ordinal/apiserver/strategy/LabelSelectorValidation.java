package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A {@code metav1.LabelSelector} as apimachinery's {@code ValidateLabelSelector} checks it:
 * label keys and values in matchLabels, and for each expression a valid key, a known operator and
 * values exactly when the operator needs them. A missing selector is valid.
 */
final class LabelSelectorValidation {
  private LabelSelectorValidation() {}

  static void validate(JsonNode selector, String path, Errors errs) {
    if (selector == null || selector.isMissingNode() || selector.isNull()) {
      return;
    }
    selector.path("matchLabels").fields().forEachRemaining(e -> {
      errs.invalidAll(path + ".matchLabels", e.getKey(), NameRules.qualifiedName(e.getKey()));
      errs.invalidAll(path + ".matchLabels", e.getValue().asText(), NameRules.labelValue(e.getValue().asText()));
    });
    int i = 0;
    for (JsonNode expr : selector.path("matchExpressions")) {
      String at = path + ".matchExpressions[" + i++ + "]";
      String op = expr.path("operator").asText("");
      int values = expr.path("values").size();
      switch (op) {
        case "In", "NotIn" -> {
          if (values == 0) {
            errs.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
          }
        }
        case "Exists", "DoesNotExist" -> {
          if (values > 0) {
            errs.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
          }
        }
        default -> errs.invalid(at + ".operator", op, "not a valid selector operator");
      }
      String key = expr.path("key").asText("");
      errs.invalidAll(at + ".key", key, NameRules.qualifiedName(key));
      for (JsonNode v : expr.path("values")) {
        errs.invalidAll(at + ".values", v.asText(), NameRules.labelValue(v.asText()));
      }
    }
  }
}
