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
    assertThat(plan.create()).containsExactly(1);
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
    assertThat(Indexes.format(Indexes.parse("0,1,2,4,6-7"))).isEqualTo("0-2,4,6-7");
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
}
