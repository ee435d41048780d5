package dev.ordinal.controllers.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.PodReadiness;
import dev.ordinal.controllers.pods.ScaleDownOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One pass of the Job controller, as upstream's syncJob decides it (Kubernetes 1.32), on the Job
 * and the pods it owns: which pods to create (with their completion index in Indexed mode), which
 * to delete, the status, events, and when to look again. Failure first sets FailureTarget and
 * removes the active pods, Failed follows once none is left; success likewise sets
 * SuccessCriteriaMet (completions reached, or for an Indexed Job a successPolicy rule met), then
 * Complete with the same reason. Failed pods are replaced after upstream's back-off (10 s,
 * doubling per failure, at most 6 min), counted per index with backoffLimitPerIndex
 * ({@link IndexFailures}). Pure.
 *
 * <p>Finished pods are counted from the pods themselves, without the job-tracking finalizer:
 * counts never go down (a counted pod that is deleted stays counted), which is what the
 * finalizer buys upstream, but a pod deleted before its first count is missed.
 */
public final class JobPlanner {
  static final Duration BACKOFF_BASE = Duration.ofSeconds(10);
  static final Duration BACKOFF_MAX = Duration.ofMinutes(6);
  /** Upstream's MaxPodCreateDeletePerSync. */
  static final int MAX_PER_SYNC = 500;

  private JobPlanner() {}

  public record Event(String type, String reason, String message) {}

  /**
   * A pod to create.
   *
   * @param index its completion index (-1 for NonIndexed)
   * @param annotations added to the template's (the per-index failure counts), may be empty
   */
  public record NewPod(int index, Map<String, String> annotations) {}

  /**
   * @param create the pods to create
   * @param deleteJob the Job's ttlSecondsAfterFinished has passed
   * @param requeue when to look again without an event (back-off, deadline, ttl), or null
   */
  public record Plan(List<NewPod> create, List<ObjectNode> delete, ObjectNode status, List<Event> events,
      Duration requeue, boolean deleteJob) {}

  public static Plan plan(ObjectNode job, List<ObjectNode> pods, Instant now) {
    JsonNode spec = job.path("spec");
    ObjectNode status = job.path("status").isObject() ? job.path("status").deepCopy() : Json.object();
    List<Event> events = new ArrayList<>();
    List<NewPod> create = new ArrayList<>();
    List<ObjectNode> delete = new ArrayList<>();
    Duration[] requeue = {null};

    if (finished(status)) {
      return ttl(job, status, now);
    }
    // Indexed without completions is refused by validation; treated as NonIndexed rather than failing here
    boolean indexed = spec.path("completionMode").asText().equals("Indexed") && spec.path("completions").isNumber();
    JsonNode completionsNode = spec.path("completions");
    Integer completions = completionsNode.isNumber() ? completionsNode.asInt() : null;
    int parallelism = spec.path("parallelism").asInt(1);
    int backoffLimit = spec.path("backoffLimit").asInt(6);
    boolean perIndex = indexed && spec.path("backoffLimitPerIndex").isNumber();
    JsonNode failurePolicy = spec.path("podFailurePolicy");

    List<ObjectNode> active = new ArrayList<>();
    int terminating = 0;
    int ready = 0;
    int succeededPods = 0;
    int failedPods = 0;
    Instant lastFailure = null;
    String failJob = null;
    TreeSet<Integer> completed = new TreeSet<>(Indexes.parse(status.path("completedIndexes").asText(""), completions == null ? Integer.MAX_VALUE : completions));
    for (ObjectNode p : pods) {
      if (JobPods.active(p)) {
        active.add(p);
        ready += PodReadiness.isReady(p) ? 1 : 0;
      } else if (JobPods.terminating(p)) {
        terminating++;
      } else if (JobPods.succeeded(p)) {
        succeededPods++;
        int i = JobPods.index(p);
        if (indexed && i >= 0 && completions != null && i < completions) {
          completed.add(i);
        }
      } else if (JobPods.failed(p)) {
        JobFailurePolicy.Match m = failurePolicy.isObject() ? JobFailurePolicy.match(failurePolicy, p) : new JobFailurePolicy.Match(null, null);
        if ("Ignore".equals(m.action())) {
          continue;
        }
        if ("FailJob".equals(m.action()) && failJob == null) {
          failJob = m.message();
        }
        failedPods++;
        Instant at = JobPods.finishedAt(p);
        lastFailure = lastFailure == null || at.isAfter(lastFailure) ? at : lastFailure;
      }
    }
    // once SuccessCriteriaMet is set the counts stay: upstream lets go of every pod then (their
    // tracking finalizers), so the pods it deletes, failing as they stop, are not counted
    boolean countsFrozen = false;
    for (JsonNode c : status.path("conditions")) {
      countsFrozen |= c.path("type").asText().equals("SuccessCriteriaMet") && c.path("status").asText().equals("True");
    }
    if (countsFrozen && indexed) {
      completed = new TreeSet<>(Indexes.parse(status.path("completedIndexes").asText(""), completions));
    }
    int succeeded = countsFrozen ? status.path("succeeded").asInt(0)
        : Math.max(status.path("succeeded").asInt(0), indexed ? completed.size() : succeededPods);
    int failed = countsFrozen ? status.path("failed").asInt(0) : Math.max(status.path("failed").asInt(0), failedPods);
    // OnFailure pods restart in place: their restarts count as failures (pastBackoffLimitOnFailure)
    int restarts = 0;
    if (spec.path("template").path("spec").path("restartPolicy").asText().equals("OnFailure")) {
      for (ObjectNode p : active) {
        restarts += PodReadiness.restarts(p);
      }
    }

    boolean suspended = spec.path("suspend").asBoolean(false);
    ArrayNode conditions = status.path("conditions").isArray() ? (ArrayNode) status.path("conditions") : status.putArray("conditions");
    String stamp = Meta.timestamp(now);

    if (suspended) {
      if (setCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", stamp)) {
        events.add(new Event("Normal", "Suspended", "Job suspended"));
      }
      delete.addAll(active);
      status.remove("startTime");
      active.clear();
    } else {
      if (setCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", stamp) ) {
        events.add(new Event("Normal", "Resumed", "Job resumed"));
      }
      if (!status.has("startTime")) {
        status.put("startTime", stamp);
      }
    }

    IndexFailures indexFailures = null;
    if (perIndex) {
      TreeSet<Integer> activeIndexes = new TreeSet<>();
      for (ObjectNode p : active) {
        activeIndexes.add(JobPods.index(p));
      }
      indexFailures = IndexFailures.of(spec, status, pods, completed, activeIndexes);
    }
    TreeSet<Integer> failedIndexes = indexFailures == null ? new TreeSet<>()
        : countsFrozen ? new TreeSet<>(Indexes.parse(status.path("failedIndexes").asText(""), completions))
        : new TreeSet<>(indexFailures.failedIndexes());

    // as upstream: once SuccessCriteriaMet is set only the pods' removal is left; else a
    // FailureTarget stays, else the first failure found (FailJob, backoff limit, deadline, failed
    // indexes) becomes one; else success by successPolicy or completions
    String failureReason = null;
    String failureMessage = null;
    JsonNode met = trueCondition(conditions, "SuccessCriteriaMet");
    JsonNode target = trueCondition(conditions, "FailureTarget");
    if (met != null) {
      // nothing to decide
    } else if (target != null) {
      failureReason = target.path("reason").asText();
      failureMessage = target.path("message").asText();
    } else if (!suspended) {
      if (failJob != null) {
        failureReason = "PodFailurePolicy";
        failureMessage = failJob;
      } else if (failed + restarts > backoffLimit) {
        failureReason = "BackoffLimitExceeded";
        failureMessage = "Job has reached the specified backoff limit";
      } else if (spec.path("activeDeadlineSeconds").isNumber() && status.has("startTime")) {
        Instant deadline = Instant.parse(status.path("startTime").asText()).plusSeconds(spec.path("activeDeadlineSeconds").asLong());
        if (!now.isBefore(deadline)) {
          failureReason = "DeadlineExceeded";
          failureMessage = "Job was active longer than specified deadline";
        } else {
          requeue[0] = Duration.between(now, deadline).plusMillis(100);
        }
      }
      if (failureReason == null && perIndex) {
        JsonNode max = spec.path("maxFailedIndexes");
        if (max.isNumber() && failedIndexes.size() > max.asInt()) {
          failureReason = "MaxFailedIndexesExceeded";
          failureMessage = "Job has exceeded the specified maximal number of failed indexes";
        } else if (!failedIndexes.isEmpty() && failedIndexes.size() + completed.size() >= completions) {
          failureReason = "FailedIndexes";
          failureMessage = "Job has failed indexes";
        }
      }
      if (failureReason != null) {
        setCondition(conditions, "FailureTarget", "True", failureReason, failureMessage, stamp);
      } else {
        String policyMatch = indexed ? SuccessPolicy.match(spec.path("successPolicy"), completions, completed) : null;
        if (policyMatch != null) {
          setCondition(conditions, "SuccessCriteriaMet", "True", SuccessPolicy.REASON, policyMatch, stamp);
        } else if (completions == null ? succeeded > 0 && active.isEmpty() : succeeded >= completions) {
          // without completions (a work queue) the first success ends it once the others finished by themselves
          setCondition(conditions, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", stamp);
        }
        met = trueCondition(conditions, "SuccessCriteriaMet");
      }
    }
    boolean successMet = met != null;

    if (failureReason != null || successMet) {
      // terminal: remove what still runs, then the final condition
      delete.addAll(active);
      if (active.isEmpty() && terminating == 0) {
        if (failureReason != null) {
          setCondition(conditions, "Failed", "True", failureReason, failureMessage, stamp);
          events.add(new Event("Warning", failureReason, failureMessage));
        } else {
          setCondition(conditions, "Complete", "True", met.path("reason").asText(), met.path("message").asText(), stamp);
          status.put("completionTime", stamp);
          events.add(new Event("Normal", "Completed", "Job completed"));
        }
      }
      active.clear();
    } else if (!suspended) {
      int usable = spec.path("podReplacementPolicy").asText().equals("Failed") ? terminating : 0;
      if (indexed) {
        TreeSet<Integer> running = new TreeSet<>();
        List<ObjectNode> duplicates = new ArrayList<>();
        for (ObjectNode p : active) {
          int i = JobPods.index(p);
          if (i < 0 || i >= completions || completed.contains(i) || !running.add(i)) {
            duplicates.add(p);
          }
        }
        delete.addAll(duplicates);
        int room = parallelism - (active.size() - duplicates.size()) - usable;
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < completions && pending.size() < room; i++) {
          if (!completed.contains(i) && !running.contains(i) && !failedIndexes.contains(i)) {
            pending.add(i);
          }
        }
        if (perIndex) {
          // as upstream: of the lowest pending indexes those past their back-off start; if none is, look again when the first is
          Duration wait = null;
          for (int i : pending) {
            Duration d = indexFailures.backoffRemaining(i, now);
            if (d.isZero()) {
              create.add(new NewPod(i, indexFailures.annotations(i)));
            } else if (wait == null || d.compareTo(wait) < 0) {
              wait = d;
            }
          }
          if (wait != null) {
            requeue[0] = earliest(requeue[0], wait.plusMillis(100));
          }
        } else {
          pending.forEach(i -> create.add(new NewPod(i, Map.of())));
        }
      } else {
        int want = completions == null ? (succeeded > 0 ? Math.min(active.size(), parallelism) : parallelism) : Math.min(parallelism, completions - succeeded);
        int diff = want - active.size() - usable;
        if (diff > 0) {
          for (int i = 0; i < diff; i++) {
            create.add(new NewPod(-1, Map.of()));
          }
        } else if (active.size() > want) {
          delete.addAll(ScaleDownOrder.toDelete(active, active.size() - want, now));
        }
      }
      // with backoffLimitPerIndex each index waits for itself (above), not for the Job's failures
      if (!perIndex && !create.isEmpty() && lastFailure != null && failed > 0) {
        Duration wait = backoff(failed);
        Instant at = lastFailure.plus(wait);
        if (now.isBefore(at)) {
          create.clear();
          Duration d = Duration.between(now, at).plusMillis(100);
          requeue[0] = earliest(requeue[0], d);
        }
      }
    }

    if (create.size() > MAX_PER_SYNC) {
      create.subList(MAX_PER_SYNC, create.size()).clear();
    }
    int activeNow = active.size() - (int) delete.stream().filter(active::contains).count();
    status.put("active", Math.max(0, activeNow));
    status.put("ready", ready);
    status.put("succeeded", succeeded);
    status.put("failed", failed);
    status.put("terminating", terminating);
    if (indexed) {
      String text = Indexes.format(completed);
      if (text.isEmpty()) {
        status.remove("completedIndexes");
      } else {
        status.put("completedIndexes", text);
      }
    }
    if (perIndex) {
      // upstream writes it (empty too) whenever backoffLimitPerIndex is set
      status.put("failedIndexes", Indexes.format(failedIndexes));
    }
    status.putObject("uncountedTerminatedPods");
    if (conditions.isEmpty()) {
      status.remove("conditions");
    }
    for (String zero : new String[] {"active", "succeeded", "failed", "terminating"}) {
      if (status.path(zero).asInt() == 0) {
        status.remove(zero);
      }
    }
    if (finished(status)) {
      Plan t = ttl(job, status, now);
      return new Plan(create, delete, status, events, t.requeue(), t.deleteJob());
    }
    return new Plan(create, delete, status, events, requeue[0], false);
  }

  private static Duration earliest(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  /** Upstream's back-off for the n-th failure: 10 s · 2^(n-1), at most 6 min. */
  static Duration backoff(int failures) {
    if (failures <= 0) {
      return Duration.ZERO;
    }
    long seconds = BACKOFF_BASE.toSeconds() << Math.min(failures - 1, 20);
    return seconds > BACKOFF_MAX.toSeconds() ? BACKOFF_MAX : Duration.ofSeconds(seconds);
  }

  private static Plan ttl(ObjectNode job, ObjectNode status, Instant now) {
    JsonNode ttl = job.path("spec").path("ttlSecondsAfterFinished");
    if (!ttl.isNumber() || Meta.isDeleting(job)) {
      return new Plan(List.of(), List.of(), status, List.of(), null, false);
    }
    Instant finishedAt = finishTime(status);
    Instant expires = (finishedAt == null ? now : finishedAt).plusSeconds(ttl.asLong());
    if (!now.isBefore(expires)) {
      return new Plan(List.of(), List.of(), status, List.of(), null, true);
    }
    return new Plan(List.of(), List.of(), status, List.of(), Duration.between(now, expires).plusMillis(100), false);
  }

  /** Complete or Failed is True. */
  public static boolean finished(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      String t = c.path("type").asText();
      if ((t.equals("Complete") || t.equals("Failed")) && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }

  /** When the Job finished (its Complete or Failed condition's transition), or null. */
  public static Instant finishTime(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      String t = c.path("type").asText();
      if ((t.equals("Complete") || t.equals("Failed")) && c.path("status").asText().equals("True")) {
        String at = c.path("lastTransitionTime").asText("");
        return at.isEmpty() ? null : Instant.parse(at);
      }
    }
    return null;
  }

  private static JsonNode trueCondition(ArrayNode conditions, String type) {
    JsonNode c = condition(conditions, type);
    return c != null && c.path("status").asText().equals("True") ? c : null;
  }

  private static JsonNode condition(ArrayNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(type)) {
        return c;
      }
    }
    return null;
  }

  /**
   * Sets a condition; a Suspended False is only written over an existing Suspended condition.
   * Returns whether the status of the condition changed.
   */
  private static boolean setCondition(ArrayNode conditions, String type, String status, String reason, String message, String now) {
    JsonNode existing = condition(conditions, type);
    if (existing == null && type.equals("Suspended") && status.equals("False")) {
      return false;
    }
    if (existing != null && existing.path("status").asText().equals(status)) {
      return false;
    }
    ObjectNode c = existing instanceof ObjectNode o ? o : conditions.addObject();
    c.put("type", type).put("status", status).put("reason", reason).put("message", message);
    c.put("lastProbeTime", now).put("lastTransitionTime", now);
    return true;
  }
}
