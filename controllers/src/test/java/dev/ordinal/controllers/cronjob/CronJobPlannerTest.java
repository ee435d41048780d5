package dev.ordinal.controllers.cronjob;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.ControllerRefs;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The CronJob planner against a fake clock: times are given, never read. */
class CronJobPlannerTest {
  static final ZoneId UTC = ZoneId.of("UTC");
  static final Instant CREATED = Instant.parse("2026-12-02T05:00:30Z");

  static ObjectNode cronJob(String schedule, String policy) {
    ObjectNode cj = Json.object();
    cj.put("apiVersion", "batch/v1").put("kind", "CronJob");
    cj.putObject("metadata").put("name", "tick").put("namespace", "d").put("uid", "cj-uid").put("creationTimestamp", Meta.timestamp(CREATED));
    ObjectNode spec = cj.putObject("spec").put("schedule", schedule).put("concurrencyPolicy", policy).put("suspend", false)
        .put("successfulJobsHistoryLimit", 3).put("failedJobsHistoryLimit", 1);
    ObjectNode t = spec.putObject("jobTemplate");
    t.putObject("metadata").putObject("labels").put("app", "tick");
    t.putObject("spec").putObject("template").putObject("spec").put("restartPolicy", "Never");
    cj.putObject("status");
    return cj;
  }

  static ObjectNode job(ObjectNode cj, String name, String finished, String started) {
    ObjectNode j = Json.object();
    j.put("apiVersion", "batch/v1").put("kind", "Job");
    j.putObject("metadata").put("name", name).put("namespace", "d").put("uid", name + "-uid").put("resourceVersion", "7")
        .putArray("ownerReferences").add(ControllerRefs.ownerReference(cj));
    ObjectNode st = j.putObject("status").put("startTime", started);
    if (finished != null) {
      st.putArray("conditions").addObject().put("type", finished).put("status", "True").put("lastTransitionTime", started);
    }
    return j;
  }

  static ObjectNode running(ObjectNode cj, String name) {
    ObjectNode j = job(cj, name, null, "2026-12-02T05:01:00Z");
    ((ObjectNode) cj.path("status")).withArray("active").add(CronJobPlanner.reference(j));
    return j;
  }

  @Test
  void startsAJobAtTheScheduleTimeNamedByItsMinute() {
    ObjectNode cj = cronJob("*/5 * * * *", "Allow");
    CronJobPlanner.Plan early = CronJobPlanner.plan(cj, List.of(), Instant.parse("2026-12-02T05:04:00Z"), UTC);
    assertThat(early.create()).isNull();
    assertThat(early.requeue()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(61));
    Instant at = Instant.parse("2026-12-02T05:05:02Z");
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(), at, UTC);
    assertThat(Meta.name(plan.create())).isEqualTo("tick-" + Instant.parse("2026-12-02T05:05:00Z").getEpochSecond() / 60);
    assertThat(Meta.annotations(plan.create())).containsEntry(CronJobPlanner.SCHEDULED_TIMESTAMP, "2026-12-02T05:05:00Z");
    assertThat(Meta.labels(plan.create())).containsEntry("app", "tick");
    assertThat(ControllerRefs.isControlledBy(plan.create(), "cj-uid")).isTrue();
    assertThat(plan.status().path("lastScheduleTime").asText()).isEqualTo("2026-12-02T05:05:00Z");
  }

  @Test
  void timeZoneShiftsTheSchedule() {
    ObjectNode cj = cronJob("0 6 * * *", "Allow");
    ((ObjectNode) cj.path("spec")).put("timeZone", "Europe/Berlin");
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(), Instant.parse("2026-12-03T05:00:40Z"), UTC);
    assertThat(Meta.annotations(plan.create())).containsEntry(CronJobPlanner.SCHEDULED_TIMESTAMP, "2026-12-03T06:00:00+01:00");
  }

  @Test
  void forbidWaitsForTheRunningJob() {
    ObjectNode cj = cronJob("* * * * *", "Forbid");
    ObjectNode j = running(cj, "tick-1");
    ((ObjectNode) cj.path("status")).put("lastScheduleTime", "2026-12-02T05:01:00Z");
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(j), Instant.parse("2026-12-02T05:02:01Z"), UTC);
    assertThat(plan.create()).isNull();
    assertThat(plan.events()).extracting(CronJobPlanner.Event::reason).containsExactly("JobAlreadyActive");
    assertThat(plan.status().path("active")).hasSize(1);
  }

  @Test
  void replaceDeletesTheRunningJob() {
    ObjectNode cj = cronJob("* * * * *", "Replace");
    ObjectNode j = running(cj, "tick-1");
    ((ObjectNode) cj.path("status")).put("lastScheduleTime", "2026-12-02T05:01:00Z");
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(j), Instant.parse("2026-12-02T05:02:01Z"), UTC);
    assertThat(plan.create()).isNotNull();
    assertThat(plan.delete()).containsExactly(j);
    assertThat(plan.status().has("active")).isFalse();
  }

  @Test
  void allowRunsConcurrently() {
    ObjectNode cj = cronJob("* * * * *", "Allow");
    ObjectNode j = running(cj, "tick-1");
    ((ObjectNode) cj.path("status")).put("lastScheduleTime", "2026-12-02T05:01:00Z");
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(j), Instant.parse("2026-12-02T05:02:01Z"), UTC);
    assertThat(plan.create()).isNotNull();
    assertThat(plan.delete()).isEmpty();
  }

  @Test
  void afterDowntimeOnlyTheMostRecentMissedTimeRunsWithAWarningPastAHundred() {
    ObjectNode cj = cronJob("* * * * *", "Allow");
    ((ObjectNode) cj.path("status")).put("lastScheduleTime", "2026-12-02T05:01:00Z");
    // the controller was down for three hours: 180 missed minutes
    Instant restart = Instant.parse("2026-12-02T08:01:30Z");
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(), restart, UTC);
    assertThat(plan.status().path("lastScheduleTime").asText()).isEqualTo("2026-12-02T08:01:00Z");
    assertThat(Meta.name(plan.create())).isEqualTo("tick-" + Instant.parse("2026-12-02T08:01:00Z").getEpochSecond() / 60);
    assertThat(plan.events()).extracting(CronJobPlanner.Event::reason).containsExactly("TooManyMissedTimes");
    assertThat(plan.events().getFirst().message()).startsWith("too many missed start times");
    // a short outage: one catch-up run, no warning
    plan = CronJobPlanner.plan(cj, List.of(), Instant.parse("2026-12-02T05:10:30Z"), UTC);
    assertThat(plan.status().path("lastScheduleTime").asText()).isEqualTo("2026-12-02T05:10:00Z");
    assertThat(plan.events()).isEmpty();
  }

  @Test
  void startingDeadlineSkipsATimeTooLongAgo() {
    ObjectNode cj = cronJob("0 * * * *", "Allow");
    ((ObjectNode) cj.path("spec")).put("startingDeadlineSeconds", 60);
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, List.of(), Instant.parse("2026-12-02T06:02:00Z"), UTC);
    assertThat(plan.create()).isNull();
    plan = CronJobPlanner.plan(cj, List.of(), Instant.parse("2026-12-02T06:00:50Z"), UTC);
    assertThat(plan.create()).isNotNull();
  }

  @Test
  void suspendStartsNothing() {
    ObjectNode cj = cronJob("* * * * *", "Allow");
    ((ObjectNode) cj.path("spec")).put("suspend", true);
    assertThat(CronJobPlanner.plan(cj, List.of(), Instant.parse("2026-12-02T05:05:00Z"), UTC).create()).isNull();
  }

  @Test
  void finishedJobsLeaveActiveAndOldOnesGo() {
    ObjectNode cj = cronJob("0 0 1 1 *", "Allow");
    ObjectNode done = running(cj, "tick-4");
    ((ObjectNode) done.path("status")).putArray("conditions").addObject().put("type", "Complete").put("status", "True")
        .put("lastTransitionTime", "2026-12-02T05:03:00Z");
    List<ObjectNode> jobs = List.of(
        job(cj, "tick-1", "Complete", "2026-12-02T05:00:00Z"), job(cj, "tick-2", "Complete", "2026-12-02T05:01:00Z"),
        job(cj, "tick-3", "Complete", "2026-12-02T05:02:00Z"), done,
        job(cj, "tick-f1", "Failed", "2026-12-02T05:00:00Z"), job(cj, "tick-f2", "Failed", "2026-12-02T05:01:00Z"));
    CronJobPlanner.Plan plan = CronJobPlanner.plan(cj, jobs, Instant.parse("2026-12-02T05:04:00Z"), UTC);
    assertThat(plan.status().has("active")).isFalse();
    assertThat(plan.status().path("lastSuccessfulTime").asText()).isEqualTo("2026-12-02T05:03:00Z");
    assertThat(plan.delete()).extracting(Meta::name).containsExactly("tick-1", "tick-f1");
    assertThat(plan.events()).extracting(CronJobPlanner.Event::reason).contains("SawCompletedJob", "SuccessfulDelete");
  }
}
