package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.FieldError;

/**
 * The Job fields that only Indexed Jobs may use — backoffLimitPerIndex, maxFailedIndexes,
 * successPolicy — validated as Kubernetes 1.32's pkg/apis/batch/validation does, with its field
 * paths and messages; and its index-interval format ({@code 1,3-5}).
 */
final class JobIndexedValidation {
  static final int MAX_PARALLELISM_INDEXED = 100_000;
  static final int MAX_FAILED_INDEXES = 100_000;
  static final int COMPLETIONS_SOFT_LIMIT = 100_000;
  static final int HIGH_COMPLETIONS_LIMIT = 10_000;
  static final int MAX_SUCCESS_RULES = 20;
  static final int MAX_SUCCEEDED_INDEXES_LENGTH = 64 * 1024;

  private JobIndexedValidation() {}

  static void validate(JsonNode spec, String path, boolean indexed, Errors errs) {
    JsonNode perIndex = spec.path("backoffLimitPerIndex");
    JsonNode maxFailed = spec.path("maxFailedIndexes");
    JsonNode completions = spec.path("completions");
    JsonNode parallelism = spec.path("parallelism");
    errs.nonNegative(path + ".backoffLimitPerIndex", perIndex);
    if (maxFailed.isNumber()) {
      errs.nonNegative(path + ".maxFailedIndexes", maxFailed);
      if (!perIndex.isNumber()) {
        errs.required(path + ".backoffLimitPerIndex", "when maxFailedIndexes is specified");
      }
    }
    if (indexed) {
      if (parallelism.isNumber() && parallelism.asLong() > MAX_PARALLELISM_INDEXED) {
        errs.invalid(path + ".parallelism", parallelism.asLong(), "must be less than or equal to " + MAX_PARALLELISM_INDEXED + " when completion mode is Indexed");
      }
      if (completions.isNumber() && maxFailed.isNumber() && maxFailed.asLong() > completions.asLong()) {
        errs.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to completions");
      }
      if (maxFailed.isNumber() && maxFailed.asLong() > MAX_FAILED_INDEXES) {
        errs.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to " + MAX_FAILED_INDEXES);
      }
      if (completions.isNumber() && completions.asLong() > COMPLETIONS_SOFT_LIMIT && perIndex.isNumber()) {
        String high = " when completions are above " + COMPLETIONS_SOFT_LIMIT + " and used with backoff limit per index";
        if (!maxFailed.isNumber()) {
          errs.required(path + ".maxFailedIndexes", "must be specified when completions is above " + COMPLETIONS_SOFT_LIMIT);
        }
        if (parallelism.isNumber() && parallelism.asLong() > HIGH_COMPLETIONS_LIMIT) {
          errs.invalid(path + ".parallelism", parallelism.asLong(), "must be less than or equal to " + HIGH_COMPLETIONS_LIMIT + high);
        }
        if (maxFailed.isNumber() && maxFailed.asLong() > HIGH_COMPLETIONS_LIMIT) {
          errs.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "must be less than or equal to " + HIGH_COMPLETIONS_LIMIT + high);
        }
      }
    } else {
      if (perIndex.isNumber()) {
        errs.invalid(path + ".backoffLimitPerIndex", perIndex.asLong(), "requires indexed completion mode");
      }
      if (maxFailed.isNumber()) {
        errs.invalid(path + ".maxFailedIndexes", maxFailed.asLong(), "requires indexed completion mode");
      }
    }
    JsonNode policy = spec.path("successPolicy");
    if (policy.isObject()) {
      if (!indexed) {
        // upstream prints the Go struct; the JSON of it says the same
        errs.invalid(path + ".successPolicy", policy, "requires indexed completion mode");
      } else {
        validateSuccessPolicy(policy, completions, path + ".successPolicy", errs);
      }
    }
  }

  private static void validateSuccessPolicy(JsonNode policy, JsonNode completionsNode, String path, Errors errs) {
    JsonNode rules = policy.path("rules");
    if (rules.isEmpty()) {
      errs.required(path + ".rules", "at least one rules must be specified when the successPolicy is specified");
    }
    if (rules.size() > MAX_SUCCESS_RULES) {
      errs.add(FieldError.tooMany(path + ".rules", rules.size(), MAX_SUCCESS_RULES));
    }
    // completions is required for Indexed Jobs, reported elsewhere when missing
    long completions = completionsNode.isNumber() ? completionsNode.asLong() : Integer.MAX_VALUE;
    int i = 0;
    for (JsonNode rule : rules) {
      String rp = path + ".rules[" + i++ + "]";
      JsonNode indexes = rule.path("succeededIndexes");
      JsonNode count = rule.path("succeededCount");
      if (!indexes.isTextual() && !count.isNumber()) {
        errs.required(rp, "at least one of succeededCount or succeededIndexes must be specified");
      }
      long total = 0;
      if (indexes.isTextual()) {
        String text = indexes.asText();
        if (text.length() > MAX_SUCCEEDED_INDEXES_LENGTH) {
          errs.add(FieldError.tooLong(rp + ".succeededIndexes", MAX_SUCCEEDED_INDEXES_LENGTH));
        }
        try {
          total = indexesTotal(text, completions);
        } catch (IllegalArgumentException e) {
          errs.invalid(rp + ".succeededIndexes", text, "error parsing succeededIndexes: " + e.getMessage());
        }
      }
      if (count.isNumber()) {
        errs.nonNegative(rp + ".succeededCount", count);
        if (count.asLong() > completions) {
          errs.invalid(rp + ".succeededCount", count.asLong(), "must be less than or equal to " + completions + " (the number of specified completions)");
        }
        if (indexes.isTextual() && count.asLong() > total) {
          errs.invalid(rp + ".succeededCount", count.asLong(),
              "must be less than or equal to " + total + " (the number of indexes in the specified succeededIndexes field)");
        }
      }
    }
  }

  /**
   * How many indexes an interval list holds; throws with upstream's validateIndexesFormat message
   * when an interval is malformed, not below {@code completions}, or out of order.
   */
  static long indexesTotal(String text, long completions) {
    if (text.isEmpty()) {
      return 0;
    }
    long total = 0;
    Long last = null;
    for (String interval : text.split(",", -1)) {
      String[] limits = interval.split("-", -1);
      if (limits.length > 2) {
        throw new IllegalArgumentException("the fragment \"" + interval
            + "\" violates the requirement that an index interval can have at most two parts separated by '-'");
      }
      long x = index(limits[0], completions);
      long y = x;
      if (limits.length > 1) {
        y = index(limits[1], completions);
        if (x >= y) {
          throw new IllegalArgumentException("non-increasing order, previous: " + x + ", current: " + y);
        }
      }
      if (last != null && last >= x) {
        throw new IllegalArgumentException("non-increasing order, previous: " + last + ", current: " + x);
      }
      total += y - x + 1;
      last = y;
    }
    return total;
  }

  private static long index(String s, long completions) {
    long v;
    try {
      v = Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cannot convert string to integer for index: \"" + s + "\"");
    }
    if (v >= completions) {
      throw new IllegalArgumentException("too large index: \"" + s + "\"");
    }
    return v;
  }
}
