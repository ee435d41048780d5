package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Jobs (and CronJob admission) against the in-process control plane with the simulated node,
 * whose containers exit after the time and with the code their annotations say.
 */
class JobScenariosIT extends SimulatedClusterTests {

  static String job(String specExtra, String annotations) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: work
        spec:
        %s
          template:
            metadata:
              annotations: {%s}
            spec:
              restartPolicy: Never
              terminationGracePeriodSeconds: 1
              containers:
              - name: main
                image: busybox
        """.formatted(specExtra.indent(2).stripTrailing(), annotations);
  }

  static final String EXIT_0 = "sim.ordinal.dev/exit-after: 1s, sim.ordinal.dev/exit-code: \"0\"";

  Job create(String yaml) {
    return cluster.client.batch().v1().jobs().inNamespace(ns)
        .resource(cluster.client.getKubernetesSerialization().unmarshal(yaml, Job.class)).create();
  }

  Job get() {
    return cluster.client.batch().v1().jobs().inNamespace(ns).withName("work").get();
  }

  List<Pod> pods() {
    return cluster.client.pods().inNamespace(ns).withLabel("batch.kubernetes.io/job-name", "work").list().getItems();
  }

  String condition(String type) {
    Job j = get();
    if (j == null || j.getStatus() == null || j.getStatus().getConditions() == null) {
      return "";
    }
    for (JobCondition c : j.getStatus().getConditions()) {
      if (c.getType().equals(type) && c.getStatus().equals("True")) {
        return c.getReason();
      }
    }
    return "";
  }

  @Test
  void runsCompletionsWithParallelism() {
    Job made = create(job("completions: 3\nparallelism: 2", EXIT_0));
    assertThat(made.getSpec().getBackoffLimit()).isEqualTo(6);
    assertThat(made.getSpec().getCompletionMode()).isEqualTo("NonIndexed");
    String uid = made.getMetadata().getUid();
    assertThat(made.getSpec().getSelector().getMatchLabels()).containsEntry("batch.kubernetes.io/controller-uid", uid);
    assertThat(made.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("controller-uid", uid).containsEntry("job-name", "work").containsEntry("batch.kubernetes.io/job-name", "work");
    await().atMost(PATIENCE).until(() -> condition("Complete").equals("CompletionsReached"));
    Job j = get();
    assertThat(j.getStatus().getSucceeded()).isEqualTo(3);
    assertThat(j.getStatus().getCompletionTime()).isNotNull();
    assertThat(condition("SuccessCriteriaMet")).isEqualTo("CompletionsReached");
    assertThat(pods()).hasSize(3).allMatch(p -> p.getStatus().getPhase().equals("Succeeded"));
  }

  @Test
  void failedPodsPastTheBackoffLimitFailTheJob() {
    create(job("backoffLimit: 0", "sim.ordinal.dev/exit-after: 1s, sim.ordinal.dev/exit-code: \"1\""));
    await().atMost(PATIENCE).until(() -> condition("Failed").equals("BackoffLimitExceeded"));
    assertThat(get().getStatus().getFailed()).isEqualTo(1);
    assertThat(pods()).hasSize(1);
  }

  @Test
  void podFailurePolicyFailsTheJobOnAnExitCode() {
    create(job("""
        backoffLimit: 6
        podFailurePolicy:
          rules:
          - action: FailJob
            onExitCodes:
              operator: In
              values: [42]""", "sim.ordinal.dev/exit-after: 1s, sim.ordinal.dev/exit-code: \"42\""));
    await().atMost(PATIENCE).until(() -> condition("Failed").equals("PodFailurePolicy"));
    assertThat(pods()).hasSize(1);
  }

  @Test
  void indexedJobGivesEachPodItsIndex() {
    create(job("completions: 3\nparallelism: 3\ncompletionMode: Indexed", EXIT_0));
    await().atMost(PATIENCE).until(() -> condition("Complete").equals("CompletionsReached"));
    assertThat(get().getStatus().getCompletedIndexes()).isEqualTo("0-2");
    Set<String> hostnames = pods().stream().map(p -> p.getSpec().getHostname()).collect(Collectors.toSet());
    assertThat(hostnames).containsExactlyInAnyOrder("work-0", "work-1", "work-2");
    assertThat(pods()).allMatch(p -> p.getMetadata().getName().startsWith(p.getSpec().getHostname() + "-")
        && p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index")
            .equals(p.getMetadata().getLabels().get("batch.kubernetes.io/job-completion-index")));
  }

  @Test
  void activeDeadlineStopsALongJob() {
    create(job("activeDeadlineSeconds: 2", ""));
    await().atMost(PATIENCE).until(() -> condition("Failed").equals("DeadlineExceeded"));
    await().atMost(PATIENCE).until(() -> pods().stream().noneMatch(p -> p.getStatus().getPhase().equals("Running")
        && p.getMetadata().getDeletionTimestamp() == null));
  }

  @Test
  void ttlDeletesTheFinishedJob() {
    create(job("ttlSecondsAfterFinished: 1", EXIT_0));
    await().atMost(PATIENCE).until(() -> get() == null);
    await().atMost(PATIENCE).until(() -> pods().isEmpty());
  }

  @Test
  void suspendedJobStartsWhenResumed() throws Exception {
    create(job("suspend: true", EXIT_0));
    await().atMost(PATIENCE).until(() -> condition("Suspended").equals("JobSuspended"));
    Thread.sleep(1000);
    assertThat(pods()).isEmpty();
    cluster.client.batch().v1().jobs().inNamespace(ns).withName("work").edit(j -> {
      j.getSpec().setSuspend(false);
      return j;
    });
    await().atMost(PATIENCE).until(() -> condition("Complete").equals("CompletionsReached"));
    assertThat(pods()).hasSize(1);
  }

  @Test
  void invalidJobsAndCronJobsAreRefused() {
    assertThatThrownBy(() -> create(job("", "").replace("restartPolicy: Never", "restartPolicy: Always")))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    Job made = create(job("", EXIT_0));
    assertThatThrownBy(() -> cluster.client.batch().v1().jobs().inNamespace(ns).withName("work").edit(j -> {
      j.getSpec().setCompletions(4);
      return j;
    })).isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.completions: Invalid value: 4: field is immutable");
    String cron = """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: tick
        spec:
          schedule: "*/5 * * * *"
          timeZone: Mars/Olympus
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                  - name: main
                    image: busybox
        """;
    assertThatThrownBy(() -> cluster.client.batch().v1().cronjobs().inNamespace(ns)
        .resource(cluster.client.getKubernetesSerialization().unmarshal(cron, CronJob.class)).create())
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("spec.timeZone: Invalid value: \"Mars/Olympus\"");
    CronJob cj = cluster.client.batch().v1().cronjobs().inNamespace(ns)
        .resource(cluster.client.getKubernetesSerialization().unmarshal(cron.replace("timeZone: Mars/Olympus", "timeZone: Europe/Berlin"), CronJob.class))
        .create();
    assertThat(cj.getSpec().getConcurrencyPolicy()).isEqualTo("Allow");
    assertThat(cj.getSpec().getSuccessfulJobsHistoryLimit()).isEqualTo(3);
    assertThat(cj.getSpec().getFailedJobsHistoryLimit()).isEqualTo(1);
    assertThat(made.getMetadata().getGeneration()).isEqualTo(1);
  }

  String message(String type) {
    for (JobCondition c : get().getStatus().getConditions()) {
      if (c.getType().equals(type)) {
        return c.getMessage();
      }
    }
    return "";
  }

  @Test
  void successPolicyEndsAnIndexedJobEarly() {
    create(job("""
        completions: 6
        parallelism: 2
        completionMode: Indexed
        successPolicy:
          rules:
          - succeededCount: 2""", EXIT_0));
    await().atMost(PATIENCE).until(() -> condition("Complete").equals("SuccessPolicy"));
    assertThat(condition("SuccessCriteriaMet")).isEqualTo("SuccessPolicy");
    assertThat(message("SuccessCriteriaMet")).isEqualTo("Matched rules at index 0");
    assertThat(message("Complete")).isEqualTo("Matched rules at index 0");
    Job j = get();
    assertThat(j.getStatus().getSucceeded()).isGreaterThanOrEqualTo(2);
    assertThat(j.getStatus().getCompletionTime()).isNotNull();
    // two successes were enough: the remaining indexes never ran, or were stopped
    assertThat(pods()).hasSizeLessThan(6);
    assertThat(pods()).noneMatch(p -> p.getStatus().getPhase().equals("Running") && p.getMetadata().getDeletionTimestamp() == null);
  }

  @Test
  void backoffLimitPerIndexRetriesEachIndexThenFailsIt() {
    Job made = create(job("""
        completions: 2
        parallelism: 2
        completionMode: Indexed
        backoffLimitPerIndex: 1""", "sim.ordinal.dev/exit-after: 1s, sim.ordinal.dev/exit-code: \"1\""));
    assertThat(made.getSpec().getBackoffLimit()).isEqualTo(Integer.MAX_VALUE);
    // each index: a first pod fails, its replacement 10 s later fails too, and the index is given up
    await().atMost(PATIENCE).until(() -> condition("Failed").equals("FailedIndexes"));
    Job j = get();
    assertThat(j.getStatus().getFailedIndexes()).isEqualTo("0,1");
    assertThat(j.getStatus().getFailed()).isEqualTo(4);
    assertThat(message("Failed")).isEqualTo("Job has failed indexes");
    assertThat(condition("FailureTarget")).isEqualTo("FailedIndexes");
    assertThat(pods()).hasSize(4);
    assertThat(pods().stream().map(p -> p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-completion-index") + "/"
        + p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-index-failure-count")).sorted().toList())
        .containsExactly("0/0", "0/1", "1/0", "1/1");
  }

  @Test
  void failIndexAndMaxFailedIndexesFailTheJobWithoutRetries() {
    create(job("""
        completions: 4
        parallelism: 4
        completionMode: Indexed
        backoffLimitPerIndex: 3
        maxFailedIndexes: 1
        podFailurePolicy:
          rules:
          - action: FailIndex
            onExitCodes:
              operator: In
              values: [42]""", "sim.ordinal.dev/exit-after: 1s, sim.ordinal.dev/exit-code: \"42\""));
    await().atMost(PATIENCE).until(() -> condition("Failed").equals("MaxFailedIndexesExceeded"));
    assertThat(message("Failed")).isEqualTo("Job has exceeded the specified maximal number of failed indexes");
    assertThat(get().getStatus().getFailedIndexes()).isNotEmpty();
    assertThat(get().getStatus().getFailed()).isGreaterThanOrEqualTo(2);
    // FailIndex: no index was retried (pods still running at the failure were deleted)
    assertThat(pods()).hasSizeBetween(2, 4)
        .allMatch(p -> "0".equals(p.getMetadata().getAnnotations().get("batch.kubernetes.io/job-index-failure-count")));
  }

  @Test
  void indexedOnlyFieldsAreRefusedOnANonIndexedJob() {
    assertThatThrownBy(() -> create(job("""
        backoffLimitPerIndex: 1
        successPolicy:
          rules:
          - succeededCount: 1""", "")))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode")
        .hasMessageContaining("spec.successPolicy: Invalid value: ")
        .hasMessageContaining("requires indexed completion mode");
    assertThatThrownBy(() -> create(job("""
        completions: 3
        completionMode: Indexed
        successPolicy:
          rules:
          - succeededIndexes: '1-5'""", "")))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.successPolicy.rules[0].succeededIndexes: Invalid value: \"1-5\": error parsing succeededIndexes: too large index: \"5\"");
  }
}
