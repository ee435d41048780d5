package dev.ordinal.controllers.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JobPlannerTest {
  static final Instant NOW = Instant.parse("2026-12-02T05:00:00Z");

  static ObjectNode job(Consumer<ObjectNode> spec) {
    ObjectNode j = Json.object();
    j.put("apiVersion", "batch/v1").put("kind", "Job");
    j.putObject("metadata").put("name", "pi").put("namespace", "d").put("uid", "job-uid");
    ObjectNode s = j.putObject("spec");
    s.put("completions", 1).put("parallelism", 1).put("backoffLimit", 6).put("completionMode", "NonIndexed")
        .put("suspend", false).put("podReplacementPolicy", "TerminatingOrFailed");
    s.putObject("selector").putObject("matchLabels").put("batch.kubernetes.io/controller-uid", "job-uid");
    ObjectNode t = s.putObject("template");
    t.putObject("metadata").putObject("labels").put("batch.kubernetes.io/controller-uid", "job-uid");
    t.putObject("spec").put("restartPolicy", "Never").putArray("containers").addObject().put("name", "c").put("image", "busybox");
    spec.accept(s);
    j.putObject("status").put("startTime", "2026-12-02T04:59:00Z");
    return j;
  }

  static ObjectNode pod(String name, String phase, int index, int exitCode, Instant finished) {
    ObjectNode p = Json.object();
    p.put("apiVersion", "v1").put("kind", "Pod");
    ObjectNode meta = p.putObject("metadata").put("name", name).put("namespace", "d").put("uid", name + "-uid")
        .put("creationTimestamp", "2026-12-02T04:59:00Z");
    if (index >= 0) {
      meta.putObject("annotations").put(JobPods.COMPLETION_INDEX, Integer.toString(index));
    }
    p.putObject("spec").put("nodeName", "n1");
    ObjectNode st = p.putObject("status").put("phase", phase);
    if (phase.equals("Succeeded") || phase.equals("Failed")) {
      st.putArray("containerStatuses").addObject().put("name", "c").putObject("state").putObject("terminated")
          .put("exitCode", exitCode).put("finishedAt", Meta.timestamp(finished));
    }
    return p;
  }

  static ObjectNode running(String name) {
    return pod(name, "Running", -1, 0, null);
  }

  static ObjectNode done(String name) {
    return pod(name, "Succeeded", -1, 0, NOW.minusSeconds(30));
  }

  static ObjectNode failed(String name, int code, Instant at) {
    return pod(name, "Failed", -1, code, at);
  }

  static String condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText() + "/" + c.path("reason").asText();
      }
    }
    return "";
  }

  static Stream<Arguments> counts() {
    Consumer<ObjectNode> none = s -> { };
    Consumer<ObjectNode> fiveByTwo = s -> s.put("completions", 5).put("parallelism", 2);
    return Stream.of(
        // name, spec, pods, creations, deletions
        Arguments.of("starts the first pod", none, List.of(), 1, 0),
        Arguments.of("keeps one running pod", none, List.of(running("a")), 0, 0),
        Arguments.of("parallelism caps the active pods", fiveByTwo, List.of(), 2, 0),
        Arguments.of("creates only what completions still need", fiveByTwo,
            List.of(done("a"), done("b"), done("c"), done("d")), 1, 0),
        Arguments.of("deletes active pods beyond parallelism", (Consumer<ObjectNode>) s -> s.put("completions", 5).put("parallelism", 1),
            List.of(running("a"), running("b")), 0, 1),
        Arguments.of("no completions: a work queue stops starting pods after one success",
            (Consumer<ObjectNode>) s -> { s.remove("completions"); s.put("parallelism", 3); },
            List.of(done("a"), running("b")), 0, 0),
        Arguments.of("suspended deletes active pods", (Consumer<ObjectNode>) s -> s.put("suspend", true),
            List.of(running("a")), 0, 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counts")
  void plansPods(String name, Consumer<ObjectNode> spec, List<ObjectNode> pods, int creates, int deletes) {
    JobPlanner.Plan plan = JobPlanner.plan(job(spec), pods, NOW);
    assertThat(plan.create()).hasSize(creates);
    assertThat(plan.delete()).hasSize(deletes);
  }

  @Test
  void completesWhenCompletionsSucceeded() {
    JobPlanner.Plan plan = JobPlanner.plan(job(s -> s.put("completions", 2).put("parallelism", 2)), List.of(done("a"), done("b")), NOW);
    assertThat(condition(plan.status(), "SuccessCriteriaMet")).isEqualTo("True/CompletionsReached");
    assertThat(condition(plan.status(), "Complete")).isEqualTo("True/CompletionsReached");
    assertThat(plan.status().path("succeeded").asInt()).isEqualTo(2);
    assertThat(plan.status().path("completionTime").asText()).isEqualTo(Meta.timestamp(NOW));
    assertThat(plan.events()).extracting(JobPlanner.Event::reason).containsExactly("Completed");
  }

  @Test
  void successWaitsForActivePodsToGoBeforeComplete() {
    ObjectNode j = job(s -> s.remove("completions"));
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(done("a")), NOW);
    assertThat(condition(plan.status(), "Complete")).isEqualTo("True/CompletionsReached");
    ObjectNode terminatingPod = running("b");
    ((ObjectNode) terminatingPod.path("metadata")).put("deletionTimestamp", "2026-12-02T05:00:00Z");
    plan = JobPlanner.plan(job(s -> s.put("completions", 1).put("parallelism", 2)), List.of(done("a"), terminatingPod), NOW);
    assertThat(condition(plan.status(), "SuccessCriteriaMet")).isEqualTo("True/CompletionsReached");
    assertThat(condition(plan.status(), "Complete")).isEmpty();
  }

  @Test
  void failedPodsAreReplacedAfterTheBackOff() {
    ObjectNode j = job(s -> { });
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(failed("a", 1, NOW.minusSeconds(4))), NOW);
    assertThat(plan.create()).isEmpty();
    assertThat(plan.requeue()).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(7));
    assertThat(plan.status().path("failed").asInt()).isEqualTo(1);
    plan = JobPlanner.plan(j, List.of(failed("a", 1, NOW.minusSeconds(11))), NOW);
    assertThat(plan.create()).hasSize(1);
    // the second failure waits 20 s
    plan = JobPlanner.plan(j, List.of(failed("a", 1, NOW.minusSeconds(60)), failed("b", 1, NOW.minusSeconds(15))), NOW);
    assertThat(plan.create()).isEmpty();
    assertThat(JobPlanner.backoff(1)).isEqualTo(Duration.ofSeconds(10));
    assertThat(JobPlanner.backoff(3)).isEqualTo(Duration.ofSeconds(40));
    assertThat(JobPlanner.backoff(10)).isEqualTo(Duration.ofMinutes(6));
  }

  @Test
  void backoffLimitExceededFailsTheJob() {
    ObjectNode j = job(s -> s.put("backoffLimit", 1).put("parallelism", 2).put("completions", 3));
    List<ObjectNode> pods = List.of(failed("a", 1, NOW.minusSeconds(60)), failed("b", 1, NOW.minusSeconds(50)), running("c"));
    JobPlanner.Plan plan = JobPlanner.plan(j, pods, NOW);
    assertThat(condition(plan.status(), "FailureTarget")).isEqualTo("True/BackoffLimitExceeded");
    assertThat(condition(plan.status(), "Failed")).isEmpty();
    assertThat(plan.delete()).extracting(Meta::name).containsExactly("c");
    j.set("status", plan.status());
    plan = JobPlanner.plan(j, pods.subList(0, 2), NOW);
    assertThat(condition(plan.status(), "Failed")).isEqualTo("True/BackoffLimitExceeded");
    assertThat(plan.events()).extracting(JobPlanner.Event::message).containsExactly("Job has reached the specified backoff limit");
    assertThat(plan.status().has("completionTime")).isFalse();
  }

  @Test
  void activeDeadlineFailsTheJob() {
    ObjectNode j = job(s -> s.put("activeDeadlineSeconds", 30));
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(running("a")), NOW);
    assertThat(condition(plan.status(), "FailureTarget")).isEqualTo("True/DeadlineExceeded");
    assertThat(plan.delete()).hasSize(1);
    j = job(s -> s.put("activeDeadlineSeconds", 90));
    plan = JobPlanner.plan(j, List.of(running("a")), NOW);
    assertThat(condition(plan.status(), "FailureTarget")).isEmpty();
    assertThat(plan.requeue()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(31));
  }

  static Consumer<ObjectNode> failurePolicy(String rules) {
    return s -> s.set("podFailurePolicy", Json.parseObject(("{\"rules\":" + rules + "}").getBytes()));
  }

  @Test
  void podFailurePolicyFailJobOnExitCode() {
    ObjectNode j = job(failurePolicy("[{\"action\":\"FailJob\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[42]}}]"));
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(failed("a", 42, NOW.minusSeconds(1))), NOW);
    assertThat(condition(plan.status(), "Failed")).isEqualTo("True/PodFailurePolicy");
    assertThat(plan.events().getFirst().message())
        .isEqualTo("Container c for pod d/a failed with exit code 42 matching FailJob rule at index 0");
    plan = JobPlanner.plan(j, List.of(failed("a", 1, NOW.minusSeconds(100))), NOW);
    assertThat(condition(plan.status(), "Failed")).isEmpty();
    assertThat(plan.create()).hasSize(1);
  }

  @Test
  void podFailurePolicyIgnoreDoesNotCount() {
    ObjectNode j = job(s -> {
      s.put("backoffLimit", 0);
      failurePolicy("[{\"action\":\"Ignore\",\"onPodConditions\":[{\"type\":\"DisruptionTarget\"}]},"
          + "{\"action\":\"Count\",\"onExitCodes\":{\"operator\":\"NotIn\",\"values\":[0]}}]").accept(s);
    });
    ObjectNode evicted = failed("a", 137, NOW.minusSeconds(1));
    ((ObjectNode) evicted.path("status")).putArray("conditions").addObject().put("type", "DisruptionTarget").put("status", "True");
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(evicted), NOW);
    assertThat(plan.status().has("failed")).isFalse();
    assertThat(plan.create()).hasSize(1); // no back-off for an ignored failure
    plan = JobPlanner.plan(j, List.of(failed("b", 3, NOW.minusSeconds(1))), NOW);
    assertThat(condition(plan.status(), "FailureTarget")).isEqualTo("True/BackoffLimitExceeded");
  }

  @Test
  void indexedCreatesTheLowestMissingIndexes() {
    ObjectNode j = job(s -> s.put("completionMode", "Indexed").put("completions", 5).put("parallelism", 2));
    List<ObjectNode> pods = List.of(pod("pi-0", "Succeeded", 0, 0, NOW), pod("pi-2", "Running", 2, 0, null));
    JobPlanner.Plan plan = JobPlanner.plan(j, pods, NOW);
    assertThat(plan.create()).extracting(JobPlanner.NewPod::index).containsExactly(1);
    assertThat(plan.status().path("completedIndexes").asText()).isEqualTo("0");
    List<ObjectNode> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(pod("pi-" + i, "Succeeded", i, 0, NOW));
    }
    plan = JobPlanner.plan(j, all, NOW);
    assertThat(plan.status().path("completedIndexes").asText()).isEqualTo("0-4");
    assertThat(plan.status().path("succeeded").asInt()).isEqualTo(5);
    assertThat(condition(plan.status(), "Complete")).isEqualTo("True/CompletionsReached");
  }

  @Test
  void indexedPodsCarryTheirIndex() {
    ObjectNode j = job(s -> s.put("completionMode", "Indexed").put("completions", 3));
    ((ObjectNode) j.path("spec").path("template").path("spec")).put("subdomain", "workers");
    ObjectNode pod = JobPods.newPod(j, 2);
    assertThat(pod.path("metadata").path("generateName").asText()).isEqualTo("pi-2-");
    assertThat(pod.path("metadata").path("annotations").path(JobPods.COMPLETION_INDEX).asText()).isEqualTo("2");
    assertThat(pod.path("metadata").path("labels").path(JobPods.COMPLETION_INDEX).asText()).isEqualTo("2");
    assertThat(pod.path("spec").path("hostname").asText()).isEqualTo("pi-2");
    assertThat(pod.path("spec").path("subdomain").asText()).isEqualTo("workers");
    JsonNode env = pod.path("spec").path("containers").get(0).path("env").get(0);
    assertThat(env.path("name").asText()).isEqualTo("JOB_COMPLETION_INDEX");
    assertThat(env.path("valueFrom").path("fieldRef").path("fieldPath").asText())
        .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
  }

  @Test
  void indexesFormatAsIntervals() {
    // upstream writes an interval of two as two numbers
    assertThat(Indexes.format(Indexes.parse("0,1,2,4,6-7"))).isEqualTo("0-2,4,6,7");
    assertThat(Indexes.parse("0-3,8", 2)).containsExactly(0, 1);
    assertThat(Indexes.format(Indexes.parse(""))).isEmpty();
  }

  @Test
  void suspendAndResume() {
    ObjectNode j = job(s -> s.put("suspend", true));
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(), NOW);
    assertThat(condition(plan.status(), "Suspended")).isEqualTo("True/JobSuspended");
    assertThat(plan.status().has("startTime")).isFalse();
    assertThat(plan.create()).isEmpty();
    j.set("status", plan.status());
    ((ObjectNode) j.path("spec")).put("suspend", false);
    plan = JobPlanner.plan(j, List.of(), NOW);
    assertThat(condition(plan.status(), "Suspended")).isEqualTo("False/JobResumed");
    assertThat(plan.status().path("startTime").asText()).isEqualTo(Meta.timestamp(NOW));
    assertThat(plan.create()).hasSize(1);
  }

  @Test
  void ttlAfterFinishedDeletesTheJob() {
    ObjectNode j = job(s -> s.put("ttlSecondsAfterFinished", 60));
    JobPlanner.Plan done = JobPlanner.plan(j, List.of(done("a")), NOW);
    j.set("status", done.status());
    assertThat(done.requeue()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(61));
    assertThat(JobPlanner.plan(j, List.of(done("a")), NOW.plusSeconds(30)).deleteJob()).isFalse();
    assertThat(JobPlanner.plan(j, List.of(done("a")), NOW.plusSeconds(60)).deleteJob()).isTrue();
  }

  // successPolicy (Indexed only): the first rule met sets SuccessCriteriaMet, the rest is removed, then Complete

  static Consumer<ObjectNode> indexed(int completions, int parallelism, String successRules) {
    return s -> {
      s.put("completionMode", "Indexed").put("completions", completions).put("parallelism", parallelism);
      if (successRules != null) {
        s.set("successPolicy", Json.parseObject(("{\"rules\":" + successRules + "}").getBytes()));
      }
    };
  }

  static ObjectNode ok(int index) {
    return pod("pi-" + index, "Succeeded", index, 0, NOW.minusSeconds(5));
  }

  static ObjectNode run(int index) {
    return pod("pi-" + index + "-run", "Running", index, 0, null);
  }

  static Stream<Arguments> successPolicies() {
    return Stream.of(
        // name, spec, pods, SuccessCriteriaMet, its message, pods created, pods deleted
        Arguments.of("succeededIndexes all succeeded: met, the running rest deleted", indexed(5, 5, "[{\"succeededIndexes\":\"0,1\"}]"),
            List.of(ok(0), ok(1), run(2), run(3)), "True/SuccessPolicy", "Matched rules at index 0", 0, 2),
        Arguments.of("succeededIndexes not all succeeded: work goes on", indexed(5, 5, "[{\"succeededIndexes\":\"0-2\"}]"),
            List.of(ok(0), ok(1), run(3)), "", "", 2, 0),
        Arguments.of("succeededIndexes with succeededCount: that many of the set", indexed(6, 2, "[{\"succeededIndexes\":\"0-3\",\"succeededCount\":2}]"),
            List.of(ok(1), ok(3), ok(5), run(0)), "True/SuccessPolicy", "Matched rules at index 0", 0, 1),
        Arguments.of("succeededCount of the set: successes outside it do not count", indexed(6, 2, "[{\"succeededIndexes\":\"0-3\",\"succeededCount\":2}]"),
            List.of(ok(1), ok(4), ok(5)), "", "", 2, 0),
        Arguments.of("succeededCount alone, second rule: its index in the message", indexed(5, 1, "[{\"succeededIndexes\":\"4\"},{\"succeededCount\":2}]"),
            List.of(ok(0), ok(2), run(1)), "True/SuccessPolicy", "Matched rules at index 1", 0, 1),
        Arguments.of("succeededCount alone, not reached", indexed(5, 1, "[{\"succeededCount\":3}]"),
            List.of(ok(0), ok(2), run(1)), "", "", 0, 0),
        Arguments.of("no success yet: nothing matches, even succeededCount 0", indexed(3, 3, "[{\"succeededCount\":0}]"),
            List.of(), "", "", 3, 0),
        Arguments.of("a NonIndexed Job's successPolicy is not looked at", (Consumer<ObjectNode>) s -> {
              indexed(3, 1, "[{\"succeededCount\":1}]").accept(s);
              s.put("completionMode", "NonIndexed");
            }, List.of(done("a"), running("b")), "", "", 0, 0),
        Arguments.of("all of succeededIndexes succeeded: met, succeededCount aside", indexed(2, 2, "[{\"succeededIndexes\":\"1\",\"succeededCount\":5}]"),
            List.of(ok(0), ok(1)), "True/SuccessPolicy", "Matched rules at index 0", 0, 0),
        Arguments.of("a success outside succeededIndexes does not count", indexed(2, 2, "[{\"succeededIndexes\":\"0\",\"succeededCount\":1}]"),
            List.of(pod("pi-1", "Succeeded", 1, 0, NOW)), "", "", 1, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("successPolicies")
  void successPolicy(String name, Consumer<ObjectNode> spec, List<ObjectNode> pods, String met, String message, int creates, int deletes) {
    JobPlanner.Plan plan = JobPlanner.plan(job(spec), pods, NOW);
    assertThat(condition(plan.status(), "SuccessCriteriaMet")).isEqualTo(met);
    assertThat(message(plan.status(), "SuccessCriteriaMet")).isEqualTo(message);
    assertThat(plan.create()).hasSize(creates);
    assertThat(plan.delete()).hasSize(deletes);
    assertThat(condition(plan.status(), "Complete")).isEqualTo(met.isEmpty() || deletes > 0 ? "" : met);
  }

  static String message(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("message").asText();
      }
    }
    return "";
  }

  @Test
  void successPolicyCompletesOnceTheRestIsGone() {
    ObjectNode j = job(indexed(4, 4, "[{\"succeededIndexes\":\"0\"}]"));
    ObjectNode stopping = run(1);
    ((ObjectNode) stopping.path("metadata")).put("deletionTimestamp", Meta.timestamp(NOW));
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(ok(0), run(2), stopping), NOW);
    assertThat(plan.delete()).extracting(Meta::name).containsExactly("pi-2-run");
    assertThat(condition(plan.status(), "Complete")).isEmpty();
    assertThat(plan.status().has("completionTime")).isFalse();
    j.set("status", plan.status());
    // the deleted pods fail as they stop: neither a failure policy nor the backoff limit is looked at any more
    ((ObjectNode) j.path("spec")).put("backoffLimit", 0);
    plan = JobPlanner.plan(j, List.of(ok(0), pod("pi-1", "Failed", 1, 137, NOW), ok(2)), NOW.plusSeconds(2));
    assertThat(condition(plan.status(), "Complete")).isEqualTo("True/SuccessPolicy");
    assertThat(message(plan.status(), "Complete")).isEqualTo("Matched rules at index 0");
    assertThat(condition(plan.status(), "FailureTarget")).isEmpty();
    // the counts stay as they were when the rule was met: the pods stopped for it are not failures
    assertThat(plan.status().has("failed")).isFalse();
    assertThat(plan.status().path("succeeded").asInt()).isEqualTo(1);
    assertThat(plan.status().path("completedIndexes").asText()).isEqualTo("0");
    assertThat(plan.status().path("completionTime").asText()).isEqualTo(Meta.timestamp(NOW.plusSeconds(2)));
    assertThat(plan.create()).isEmpty();
    assertThat(plan.events()).extracting(JobPlanner.Event::reason).containsExactly("Completed");
  }

  // backoffLimitPerIndex / maxFailedIndexes / FailIndex

  static Consumer<ObjectNode> perIndex(int completions, int parallelism, int limit, Integer maxFailed, String failureRules) {
    return s -> {
      indexed(completions, parallelism, null).accept(s);
      s.put("backoffLimitPerIndex", limit).put("backoffLimit", Integer.MAX_VALUE);
      if (maxFailed != null) {
        s.put("maxFailedIndexes", maxFailed);
      }
      if (failureRules != null) {
        failurePolicy(failureRules).accept(s);
      }
    };
  }

  /** A failed pod of the index that had {@code failures} failures before it (and {@code ignored} ignored ones). */
  static ObjectNode lost(int index, int failures, int ignored, int code, Instant at) {
    ObjectNode p = pod("pi-" + index + "-f" + (failures + ignored), "Failed", index, code, at);
    ObjectNode a = (ObjectNode) p.path("metadata").path("annotations");
    a.put(IndexFailures.FAILURE_COUNT, Integer.toString(failures));
    if (ignored > 0) {
      a.put(IndexFailures.IGNORED_FAILURE_COUNT, Integer.toString(ignored));
    }
    return p;
  }

  static final String FAIL_INDEX_42 = "[{\"action\":\"FailIndex\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[42]}},"
      + "{\"action\":\"Ignore\",\"onExitCodes\":{\"operator\":\"In\",\"values\":[143]}}]";

  static Stream<Arguments> perIndexFailures() {
    Instant longAgo = NOW.minusSeconds(600);
    return Stream.of(
        // name, spec, pods, failedIndexes, FailureTarget, indexes created, status.failed
        Arguments.of("a first failure under the limit: retried after 10 s with the count 1", perIndex(2, 2, 1, null, null),
            List.of(lost(0, 0, 0, 1, NOW.minusSeconds(11)), run(1)), "", "", List.of(0), 1),
        Arguments.of("the failure that reaches the limit fails the index for good; the others go on", perIndex(3, 3, 1, null, null),
            List.of(lost(0, 0, 0, 1, longAgo), lost(0, 1, 0, 1, longAgo), run(1)), "0", "", List.of(2), 2),
        Arguments.of("limit 0: the first failure fails the index", perIndex(3, 1, 0, null, null),
            List.of(lost(0, 0, 0, 1, longAgo)), "0", "", List.of(1), 1),
        Arguments.of("all indexes done with some failed: FailedIndexes", perIndex(3, 3, 0, null, null),
            List.of(lost(0, 0, 0, 1, longAgo), ok(1), ok(2)), "0", "True/FailedIndexes", List.of(), 1),
        Arguments.of("more failed indexes than maxFailedIndexes: MaxFailedIndexesExceeded", perIndex(5, 5, 0, 1, null),
            List.of(lost(0, 0, 0, 1, longAgo), lost(1, 0, 0, 1, longAgo), run(2)), "0,1", "True/MaxFailedIndexesExceeded", List.of(), 2),
        Arguments.of("as many failed indexes as maxFailedIndexes: work goes on", perIndex(5, 5, 0, 2, null),
            List.of(lost(0, 0, 0, 1, longAgo), lost(1, 0, 0, 1, longAgo), run(2)), "0,1", "", List.of(3, 4), 2),
        Arguments.of("FailIndex fails the index at once, whatever the limit", perIndex(3, 3, 5, null, FAIL_INDEX_42),
            List.of(lost(1, 0, 0, 42, longAgo)), "1", "", List.of(0, 2), 1),
        Arguments.of("an ignored failure is not counted and not failing, but backs off", perIndex(2, 2, 0, null, FAIL_INDEX_42),
            List.of(lost(0, 0, 0, 143, NOW.minusSeconds(5)), run(1)), "", "", List.of(), 0),
        Arguments.of("the lowest pending index backing off holds parallelism, as upstream", perIndex(3, 1, 2, null, null),
            List.of(lost(0, 0, 0, 1, NOW.minusSeconds(2))), "", "", List.of(), 1),
        Arguments.of("no Job-wide back-off: a fresh index starts while a failed one waits", perIndex(3, 2, 2, null, null),
            List.of(lost(0, 0, 0, 1, NOW.minusSeconds(2))), "", "", List.of(1), 1),
        Arguments.of("the second failure of an index waits 20 s", perIndex(1, 1, 3, null, null),
            List.of(lost(0, 0, 0, 1, longAgo), lost(0, 1, 0, 1, NOW.minusSeconds(15))), "", "", List.of(), 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("perIndexFailures")
  void backoffLimitPerIndex(String name, Consumer<ObjectNode> spec, List<ObjectNode> pods, String failedIndexes, String target,
      List<Integer> creates, int failed) {
    JobPlanner.Plan plan = JobPlanner.plan(job(spec), pods, NOW);
    assertThat(plan.status().path("failedIndexes").asText("missing")).isEqualTo(failedIndexes);
    assertThat(condition(plan.status(), "FailureTarget")).isEqualTo(target);
    assertThat(plan.create()).extracting(JobPlanner.NewPod::index).containsExactlyElementsOf(creates);
    assertThat(plan.status().path("failed").asInt()).isEqualTo(failed);
    if (!target.isEmpty()) {
      assertThat(plan.delete()).hasSameSizeAs(pods.stream().filter(JobPods::active).toList());
    }
  }

  @Test
  void replacementsCarryTheIndexFailureCounts() {
    ObjectNode j = job(perIndex(3, 3, 4, null, FAIL_INDEX_42));
    List<ObjectNode> pods = List.of(lost(0, 2, 1, 1, NOW.minusSeconds(100)), lost(0, 1, 1, 1, NOW.minusSeconds(200)),
        lost(1, 1, 0, 143, NOW.minusSeconds(100)));
    JobPlanner.Plan plan = JobPlanner.plan(j, pods, NOW);
    assertThat(plan.create()).extracting(JobPlanner.NewPod::index).containsExactly(0, 1, 2);
    // index 0: the latest failure (counted) had 2 + 1 before it; index 1: an ignored one; index 2: a first pod
    assertThat(plan.create().get(0).annotations()).containsExactly(
        Map.entry(IndexFailures.FAILURE_COUNT, "3"), Map.entry(IndexFailures.IGNORED_FAILURE_COUNT, "1"));
    assertThat(plan.create().get(1).annotations()).containsExactly(
        Map.entry(IndexFailures.FAILURE_COUNT, "1"), Map.entry(IndexFailures.IGNORED_FAILURE_COUNT, "1"));
    assertThat(plan.create().get(2).annotations()).containsExactly(Map.entry(IndexFailures.FAILURE_COUNT, "0"));
    ObjectNode made = JobPods.newPod(j, plan.create().get(0));
    assertThat(made.path("metadata").path("annotations").path(IndexFailures.FAILURE_COUNT).asText()).isEqualTo("3");
    assertThat(made.path("metadata").path("annotations").path(JobPods.COMPLETION_INDEX).asText()).isEqualTo("0");
    // without backoffLimitPerIndex no count is written
    assertThat(JobPlanner.plan(job(indexed(1, 1, null)), List.of(), NOW).create().getFirst().annotations()).isEmpty();
  }

  @Test
  void failedIndexesInTheStatusStayFailed() {
    ObjectNode j = job(perIndex(4, 4, 5, null, null));
    ((ObjectNode) j.path("status")).put("failedIndexes", "1,2").put("failed", 2);
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(), NOW);
    assertThat(plan.create()).extracting(JobPlanner.NewPod::index).containsExactly(0, 3);
    assertThat(plan.status().path("failedIndexes").asText()).isEqualTo("1,2");
    assertThat(plan.status().path("failed").asInt()).isEqualTo(2);
  }

  @Test
  void perIndexBackOffRequeuesForTheFirstIndexDue() {
    ObjectNode j = job(perIndex(2, 2, 3, null, null));
    JobPlanner.Plan plan = JobPlanner.plan(j, List.of(lost(0, 0, 0, 1, NOW.minusSeconds(4)), lost(1, 1, 0, 1, NOW.minusSeconds(4))), NOW);
    assertThat(plan.create()).isEmpty();
    assertThat(plan.requeue()).isBetween(Duration.ofSeconds(6), Duration.ofSeconds(7));
  }

  @Test
  void failedIndexesEndsInFailedOnceNothingRuns() {
    ObjectNode j = job(perIndex(3, 3, 0, 0, null));
    List<ObjectNode> pods = List.of(lost(2, 0, 0, 1, NOW.minusSeconds(1)), run(0), ok(1));
    JobPlanner.Plan plan = JobPlanner.plan(j, pods, NOW);
    assertThat(condition(plan.status(), "FailureTarget")).isEqualTo("True/MaxFailedIndexesExceeded");
    assertThat(plan.delete()).extracting(Meta::name).containsExactly("pi-0-run");
    assertThat(condition(plan.status(), "Failed")).isEmpty();
    j.set("status", plan.status());
    plan = JobPlanner.plan(j, List.of(lost(2, 0, 0, 1, NOW.minusSeconds(1)), pod("pi-0", "Failed", 0, 137, NOW), ok(1)), NOW);
    assertThat(condition(plan.status(), "Failed")).isEqualTo("True/MaxFailedIndexesExceeded");
    assertThat(plan.events()).extracting(JobPlanner.Event::message).containsExactly("Job has exceeded the specified maximal number of failed indexes");
    // the pod deleted for the failure failed too, past the limit of 0: its index counts as failed, as upstream's
    assertThat(plan.status().path("failedIndexes").asText()).isEqualTo("0,2");
    assertThat(plan.status().path("completedIndexes").asText()).isEqualTo("1");
  }
}
