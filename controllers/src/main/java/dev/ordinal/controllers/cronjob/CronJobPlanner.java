package dev.ordinal.controllers.cronjob;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.cron.CronSchedule;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.job.JobPlanner;
import dev.ordinal.controllers.pods.ControllerRefs;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pass of the CronJob controller, as upstream's cronjob_controllerv2 syncCronJob decides it
 * (Kubernetes 1.32), on the CronJob and the Jobs it owns: finished Jobs leave status.active (with
 * lastSuccessfulTime for a completed one); the most recent missed schedule time, at most one,
 * is started unless past startingDeadlineSeconds or held by concurrencyPolicy; Replace deletes
 * the running Jobs first; finished Jobs beyond the history limits go. Pure.
 */
public final class CronJobPlanner {
  static final String SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp";
  static final int TOO_MANY_MISSED = 100;

  private CronJobPlanner() {}

  public record Event(String type, String reason, String message) {}

  /** @param create the Job to create, or null; @param requeue when the next schedule time comes, or null */
  public record Plan(ObjectNode create, List<ObjectNode> delete, ObjectNode status, List<Event> events, Duration requeue) {}

  public static Plan plan(ObjectNode cj, List<ObjectNode> jobs, Instant now, ZoneId localZone) {
    JsonNode spec = cj.path("spec");
    ObjectNode status = cj.path("status").isObject() ? cj.path("status").deepCopy() : Json.object();
    List<Event> events = new ArrayList<>();
    List<ObjectNode> delete = new ArrayList<>();

    Set<String> existing = new HashSet<>();
    jobs.forEach(j -> existing.add(Meta.uid(j)));
    ArrayNode active = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    Set<String> activeUids = new HashSet<>();
    for (JsonNode ref : status.path("active")) {
      if (existing.contains(ref.path("uid").asText())) {
        active.add(ref);
        activeUids.add(ref.path("uid").asText());
      }
    }
    for (ObjectNode j : jobs) {
      boolean finished = JobPlanner.finished(j.path("status"));
      boolean listed = activeUids.contains(Meta.uid(j));
      if (!finished && !listed && !Meta.isDeleting(j)) {
        active.add(reference(j)); // a Job we made but did not yet list (an earlier status write was lost)
        activeUids.add(Meta.uid(j));
      } else if (finished && listed) {
        for (int i = 0; i < active.size(); i++) {
          if (active.get(i).path("uid").asText().equals(Meta.uid(j))) {
            active.remove(i);
            break;
          }
        }
        activeUids.remove(Meta.uid(j));
        String type = completed(j) ? "Complete" : "Failed";
        events.add(new Event("Normal", "SawCompletedJob", "Saw completed job: " + Meta.name(j) + ", condition: " + type));
      }
      if (completed(j)) {
        Instant done = JobPlanner.finishTime(j.path("status"));
        String last = status.path("lastSuccessfulTime").asText("");
        if (done != null && (last.isEmpty() || Instant.parse(last).isBefore(done))) {
          status.put("lastSuccessfulTime", Meta.timestamp(done));
        }
      }
    }
    status.set("active", active);

    // finished Jobs beyond the history limits, oldest first
    history(jobs, true, spec.path("successfulJobsHistoryLimit"), delete, events);
    history(jobs, false, spec.path("failedJobsHistoryLimit"), delete, events);

    ObjectNode create = null;
    Duration requeue = null;
    if (!Meta.isDeleting(cj) && !spec.path("suspend").asBoolean(false)) {
      CronSchedule schedule;
      ZoneId zone;
      try {
        schedule = CronSchedule.parse(spec.path("schedule").asText(""));
        zone = spec.path("timeZone").isTextual() ? ZoneId.of(spec.path("timeZone").asText()) : localZone;
      } catch (RuntimeException e) {
        events.add(new Event("Warning", "UnparseableSchedule", "unparseable schedule: " + spec.path("schedule").asText() + " : " + e.getMessage()));
        return finish(status, delete, events, null, null);
      }
      String lastText = status.path("lastScheduleTime").asText("");
      Instant earliest = lastText.isEmpty() ? Instant.parse(Meta.text(cj, "creationTimestamp")) : Instant.parse(lastText);
      JsonNode deadline = spec.path("startingDeadlineSeconds");
      if (deadline.isNumber()) {
        Instant windowStart = now.minusSeconds(deadline.asLong());
        earliest = windowStart.isAfter(earliest) ? windowStart : earliest;
      }
      ZonedDateTime scheduled = null;
      int missed = 0;
      for (ZonedDateTime t = schedule.next(earliest.atZone(zone), zone); t != null && !t.toInstant().isAfter(now); t = schedule.next(t, zone)) {
        scheduled = t;
        if (++missed > TOO_MANY_MISSED) {
          scheduled = mostRecent(schedule, zone, earliest, now);
          break;
        }
      }
      if (missed > TOO_MANY_MISSED) {
        events.add(new Event("Warning", "TooManyMissedTimes", "too many missed start times: > " + TOO_MANY_MISSED
            + ". Set or decrease .spec.startingDeadlineSeconds or check clock skew"));
      }
      ZonedDateTime next = schedule.next(now.atZone(zone), zone);
      requeue = next == null ? null : Duration.between(now, next.toInstant()).plusMillis(100);
      if (scheduled != null) {
        create = start(cj, jobs, scheduled, now, active, delete, events, status);
      }
    }
    return finish(status, delete, events, create, requeue);
  }

  private static ObjectNode start(ObjectNode cj, List<ObjectNode> jobs, ZonedDateTime scheduled, Instant now, ArrayNode active,
      List<ObjectNode> delete, List<Event> events, ObjectNode status) {
    JsonNode spec = cj.path("spec");
    JsonNode deadline = spec.path("startingDeadlineSeconds");
    if (deadline.isNumber() && scheduled.toInstant().plusSeconds(deadline.asLong()).isBefore(now)) {
      events.add(new Event("Warning", "MissedSchedule", "Missed scheduled time to start a job: " + scheduled.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
      return null;
    }
    String name = jobName(cj, scheduled.toInstant());
    for (ObjectNode j : jobs) {
      if (Meta.name(j).equals(name)) {
        return null; // already started for this time
      }
    }
    String policy = spec.path("concurrencyPolicy").asText("Allow");
    if (policy.equals("Forbid") && !active.isEmpty()) {
      events.add(new Event("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid"));
      return null;
    }
    if (policy.equals("Replace")) {
      for (JsonNode ref : active) {
        for (ObjectNode j : jobs) {
          if (Meta.uid(j).equals(ref.path("uid").asText()) && !delete.contains(j)) {
            delete.add(j);
            events.add(new Event("Normal", "SuccessfulDelete", "Deleted job " + Meta.name(j)));
          }
        }
      }
      active.removeAll();
    }
    ObjectNode job = Json.object();
    job.put("apiVersion", "batch/v1").put("kind", "Job");
    ObjectNode meta = job.putObject("metadata");
    meta.put("name", name).put("namespace", Meta.namespace(cj));
    JsonNode template = spec.path("jobTemplate");
    meta.set("labels", template.path("metadata").path("labels").isObject() ? template.path("metadata").path("labels").deepCopy() : Json.object());
    ObjectNode annotations = template.path("metadata").path("annotations").isObject()
        ? template.path("metadata").path("annotations").deepCopy() : Json.object();
    annotations.put(SCHEDULED_TIMESTAMP, scheduled.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    meta.set("annotations", annotations);
    meta.putArray("ownerReferences").add(ControllerRefs.ownerReference(cj));
    job.set("spec", template.path("spec").isObject() ? template.path("spec").deepCopy() : Json.object());
    status.put("lastScheduleTime", Meta.timestamp(scheduled.toInstant()));
    return job;
  }

  /** The last schedule time in (earliest, now], looked for in growing windows back from now. */
  static ZonedDateTime mostRecent(CronSchedule schedule, ZoneId zone, Instant earliest, Instant now) {
    for (Duration window : List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(32), Duration.ofDays(367), Duration.ofDays(5 * 366))) {
      Instant from = now.minus(window).isAfter(earliest) ? now.minus(window) : earliest;
      ZonedDateTime last = null;
      for (ZonedDateTime t = schedule.next(from.atZone(zone), zone); t != null && !t.toInstant().isAfter(now); t = schedule.next(t, zone)) {
        last = t;
      }
      if (last != null) {
        return last;
      }
    }
    return null;
  }

  /** {@code <cronjob>-<minutes since the epoch of the scheduled time>} (upstream's getJobName). */
  static String jobName(ObjectNode cj, Instant scheduled) {
    return Meta.name(cj) + "-" + (scheduled.getEpochSecond() / 60);
  }

  /** The reference status.active keeps of a Job. */
  static ObjectNode reference(ObjectNode job) {
    ObjectNode ref = Json.object();
    ref.put("kind", "Job").put("namespace", Meta.namespace(job)).put("name", Meta.name(job)).put("uid", Meta.uid(job))
        .put("apiVersion", "batch/v1").put("resourceVersion", Meta.resourceVersion(job));
    return ref;
  }

  private static void history(List<ObjectNode> jobs, boolean succeeded, JsonNode limit, List<ObjectNode> delete, List<Event> events) {
    if (!limit.isNumber()) {
      return;
    }
    List<ObjectNode> finished = new ArrayList<>();
    for (ObjectNode j : jobs) {
      if (JobPlanner.finished(j.path("status")) && completed(j) == succeeded && !Meta.isDeleting(j)) {
        finished.add(j);
      }
    }
    finished.sort(Comparator.comparing(j -> j.path("status").path("startTime").asText(Meta.text(j, "creationTimestamp"))));
    for (int i = 0; i < finished.size() - limit.asInt(); i++) {
      delete.add(finished.get(i));
      events.add(new Event("Normal", "SuccessfulDelete", "Deleted job " + Meta.name(finished.get(i))));
    }
  }

  private static boolean completed(ObjectNode job) {
    for (JsonNode c : job.path("status").path("conditions")) {
      if (c.path("type").asText().equals("Complete") && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }

  private static Plan finish(ObjectNode status, List<ObjectNode> delete, List<Event> events, ObjectNode create, Duration requeue) {
    if (status.path("active").isEmpty()) {
      status.remove("active");
    }
    return new Plan(create, delete, status, events, requeue);
  }
}
