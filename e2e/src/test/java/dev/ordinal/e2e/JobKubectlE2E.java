package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Jobs and CronJobs through kubectl on `ordinal up --runtime simulated`: kubectl's typed create
 * generators (protobuf bodies), get's columns, wait for the Complete condition, describe, and a
 * Job made client-side from a CronJob's template with create job --from.
 */
@OrdinalE2ETestBase.ServerRuntime("simulated")
class JobKubectlE2E extends OrdinalE2ETestBase {

  @Test
  void jobsAndCronJobsThroughKubectl() throws Exception {
    assertThat(kubectl.run("create", "job", "plain", "--image=busybox", "--", "sleep", "3600").ok().out())
        .contains("job.batch/plain created");
    await().atMost(Duration.ofSeconds(30)).until(() ->
        kubectl.run("get", "job", "plain", "-o", "jsonpath={.status.active}").out().trim().equals("1"));
    String table = kubectl.run("get", "jobs").ok().out();
    assertThat(table.lines().findFirst().orElseThrow()).containsPattern("NAME\\s+STATUS\\s+COMPLETIONS\\s+DURATION\\s+AGE");
    assertThat(table).containsPattern("plain\\s+Running\\s+0/1");
    assertThat(kubectl.run("get", "job", "plain", "-o", "jsonpath={.spec.template.spec.containers[0].command}").ok().out())
        .contains("sleep", "3600");

    assertThat(kubectl.run("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *").ok().out())
        .contains("cronjob.batch/tick created");
    String cronTable = kubectl.run("get", "cronjobs").ok().out();
    assertThat(cronTable.lines().findFirst().orElseThrow())
        .containsPattern("NAME\\s+SCHEDULE\\s+TIMEZONE\\s+SUSPEND\\s+ACTIVE\\s+LAST SCHEDULE\\s+AGE");
    assertThat(cronTable).containsPattern("tick\\s+\\*/5 \\* \\* \\* \\*\\s+<none>\\s+False\\s+0\\s+<none>");
    // the simulated containers finish when their template says so
    kubectl.run("patch", "cronjob", "tick", "--type=merge", "-p",
        "{\"spec\":{\"jobTemplate\":{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
            + "{\"sim.ordinal.dev/exit-after\":\"1s\",\"sim.ordinal.dev/exit-code\":\"0\"}}}}}}}").ok();
    assertThat(kubectl.run("create", "job", "manual", "--from=cronjob/tick").ok().out()).contains("job.batch/manual created");
    assertThat(kubectl.run("get", "job", "manual", "-o", "jsonpath={.metadata.annotations.cronjob\\.kubernetes\\.io/instantiate}").ok().out())
        .isEqualTo("manual");
    assertThat(kubectl.run("wait", "--for=condition=complete", "job/manual", "--timeout=60s").ok().out())
        .contains("job.batch/manual condition met");
    assertThat(kubectl.run("get", "job", "manual").ok().out()).containsPattern("manual\\s+Complete\\s+1/1");
    String describe = kubectl.run("describe", "job", "manual").ok().out();
    assertThat(describe).contains("Completions:", "Pods Statuses:", "1 Succeeded", "SuccessfulCreate", "job-controller");

    kubectl.run("delete", "job", "plain", "manual").ok();
    kubectl.run("delete", "cronjob", "tick").ok();
    await().atMost(Duration.ofSeconds(60)).until(() ->
        kubectl.run("get", "pods", "-o", "name").out().isBlank());
  }
}
