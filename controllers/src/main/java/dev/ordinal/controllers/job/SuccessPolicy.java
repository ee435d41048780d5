package dev.ordinal.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.SortedSet;

/**
 * spec.successPolicy of an Indexed Job, as upstream's matchSuccessPolicy: the first rule that the
 * succeeded indexes satisfy decides. A rule with succeededIndexes needs all of them, or, with
 * succeededCount too, that many of them; a rule with only succeededCount needs that many
 * succeeded indexes in all. Nothing matches before the first success. Pure.
 */
final class SuccessPolicy {
  static final String REASON = "SuccessPolicy";

  private SuccessPolicy() {}

  /** Upstream's condition message ("Matched rules at index 0"), or null when no rule is met. */
  static String match(JsonNode policy, int completions, SortedSet<Integer> succeeded) {
    if (!policy.isObject() || succeeded.isEmpty()) {
      return null;
    }
    int i = 0;
    for (JsonNode rule : policy.path("rules")) {
      JsonNode count = rule.path("succeededCount");
      if (rule.path("succeededIndexes").isTextual()) {
        // an unparsable or out-of-range set is skipped, as upstream (validation refuses those anyway)
        SortedSet<Integer> required = Indexes.parse(rule.path("succeededIndexes").asText(), completions);
        if (!required.isEmpty()) {
          int contained = 0;
          for (int ix : required) {
            contained += succeeded.contains(ix) ? 1 : 0;
          }
          if (contained == required.size() || (count.isNumber() && contained >= count.asInt())) {
            return "Matched rules at index " + i;
          }
        }
      } else if (count.isNumber() && succeeded.size() >= count.asInt()) {
        return "Matched rules at index " + i;
      }
      i++;
    }
    return null;
  }
}
