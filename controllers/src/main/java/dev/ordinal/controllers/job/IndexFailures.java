package dev.ordinal.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The per-index failure bookkeeping of an Indexed Job with spec.backoffLimitPerIndex, as
 * upstream's indexed_job_utils and backoff_utils keep it: each pod carries the failures of its
 * index before it in the {@value #FAILURE_COUNT} annotation (failures an Ignore rule matched in
 * {@value #IGNORED_FAILURE_COUNT}); a failed pod whose count has reached backoffLimitPerIndex, or
 * that matched a FailIndex rule, fails its index for good. A replacement copies the counts of the
 * index's last failed pod plus that failure, and waits the back-off of the index's failures
 * (10 s doubling, at most 6 min) from when that pod finished. Pure.
 */
final class IndexFailures {
  static final String FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
  static final String IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";

  private final JsonNode policy;
  private final SortedSet<Integer> failed;
  /** Per pending index, the failed pod a replacement takes its counts from (upstream's podsWithDelayedDeletionPerIndex). */
  private final Map<Integer, ObjectNode> lastFailed = new HashMap<>();

  private IndexFailures(JsonNode policy, SortedSet<Integer> failed) {
    this.policy = policy;
    this.failed = failed;
  }

  /**
   * @param status the Job's status (its failedIndexes stay failed)
   * @param completed the succeeded indexes
   * @param activeIndexes the indexes with an active pod
   */
  static IndexFailures of(JsonNode spec, JsonNode status, List<ObjectNode> pods, SortedSet<Integer> completed, Set<Integer> activeIndexes) {
    int completions = spec.path("completions").asInt();
    int limit = spec.path("backoffLimitPerIndex").asInt();
    TreeSet<Integer> failed = new TreeSet<>(Indexes.parse(status.path("failedIndexes").asText(""), completions));
    IndexFailures f = new IndexFailures(spec.path("podFailurePolicy"), failed);
    for (ObjectNode p : pods) {
      int ix = JobPods.index(p);
      if (JobPods.failed(p) && ix >= 0 && ix < completions) {
        String action = f.action(p);
        if ("FailIndex".equals(action) || (!"Ignore".equals(action) && count(p, FAILURE_COUNT) >= limit)) {
          failed.add(ix);
        }
      }
    }
    for (ObjectNode p : pods) {
      int ix = JobPods.index(p);
      if (!JobPods.failed(p) || ix < 0 || ix >= completions || completed.contains(ix) || failed.contains(ix) || activeIndexes.contains(ix)) {
        continue;
      }
      ObjectNode last = f.lastFailed.get(ix);
      if (last == null || (absolute(last) <= absolute(p) && !JobPods.finishedAt(p).isBefore(JobPods.finishedAt(last)))) {
        f.lastFailed.put(ix, p);
      }
    }
    return f;
  }

  /** The indexes that failed for good, sorted. */
  SortedSet<Integer> failedIndexes() {
    return failed;
  }

  /** The failure-count annotations of a new pod for the index (upstream's addIndexFailureCountAnnotation). */
  Map<String, String> annotations(int index) {
    ObjectNode last = lastFailed.get(index);
    int failures = 0;
    int ignored = 0;
    if (last != null) {
      failures = count(last, FAILURE_COUNT);
      ignored = count(last, IGNORED_FAILURE_COUNT);
      if ("Ignore".equals(action(last))) {
        ignored++;
      } else {
        failures++;
      }
    }
    Map<String, String> out = new LinkedHashMap<>();
    out.put(FAILURE_COUNT, Integer.toString(failures));
    if (ignored > 0) {
      out.put(IGNORED_FAILURE_COUNT, Integer.toString(ignored));
    }
    return out;
  }

  /** How long a new pod of the index still waits (zero when it may start now). */
  Duration backoffRemaining(int index, Instant now) {
    ObjectNode last = lastFailed.get(index);
    if (last == null) {
      return Duration.ZERO;
    }
    Instant at = JobPods.finishedAt(last).plus(JobPlanner.backoff(absolute(last) + 1));
    return now.isBefore(at) ? Duration.between(now, at) : Duration.ZERO;
  }

  private String action(ObjectNode pod) {
    return policy.isObject() ? JobFailurePolicy.match(policy, pod).action() : null;
  }

  /** All failures of the index before this pod, ignored ones included. */
  private static int absolute(ObjectNode pod) {
    return count(pod, FAILURE_COUNT) + count(pod, IGNORED_FAILURE_COUNT);
  }

  /** An annotation's count; missing, unparsable or negative reads as 0, as upstream's parseInt32. */
  static int count(ObjectNode pod, String annotation) {
    try {
      int v = Integer.parseInt(Meta.annotations(pod).getOrDefault(annotation, "0"));
      return Math.max(v, 0);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
