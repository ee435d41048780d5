package dev.ordinal.apiserver.printing;

import static dev.ordinal.apiserver.printing.Printer.col;
import static dev.ordinal.apiserver.printing.Printer.wide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** batch/v1 Jobs and CronJobs, with kubectl's columns (printers.go printJob, printCronJob). */
final class JobPrinters {
  private JobPrinters() {}

  private static final TablePrinter.Column CONTAINERS = wide("Containers", "string", "Names of each container in the template.");
  private static final TablePrinter.Column IMAGES = wide("Images", "string", "Images referenced by each container in the template.");

  static final TablePrinter JOB = new Printer(List.of(
      Printer.NAME,
      col("Status", "string", "Status of the job."),
      col("Completions", "string", "The desired number of successfully finished pods the job should be run with."),
      col("Duration", "string", "Time required to complete the job."),
      Printer.AGE,
      CONTAINERS,
      IMAGES,
      wide("Selector", "string", "A label query over pods that should match the pod count.")),
      (j, now) -> {
        JsonNode spec = j.path("spec");
        JsonNode containers = spec.path("template").path("spec").path("containers");
        return List.of(Cells.text(j, "metadata", "name"), status(j), completions(j), duration(j, now), Cells.age(j, now),
            String.join(",", Cells.strings(containers, "name")),
            String.join(",", Cells.strings(containers, "image")),
            ReplicaSetPrinters.labelSelector(spec.path("selector")));
      });

  static final TablePrinter CRON_JOB = new Printer(List.of(
      Printer.NAME,
      col("Schedule", "string", "The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron."),
      col("Timezone", "string", "The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones."),
      col("Suspend", "boolean", "This flag tells the controller to suspend subsequent executions."),
      col("Active", "integer", "A list of pointers to currently running jobs."),
      col("Last Schedule", "string", "Information when was the last time the job was successfully scheduled."),
      Printer.AGE,
      CONTAINERS,
      IMAGES,
      wide("Selector", "string", "A label query over pods that should match the pod count.")),
      (c, now) -> {
        JsonNode spec = c.path("spec");
        JsonNode containers = spec.path("jobTemplate").path("spec").path("template").path("spec").path("containers");
        String last = Cells.text(c, "status", "lastScheduleTime");
        JsonNode suspend = spec.path("suspend");
        return List.of(Cells.text(c, "metadata", "name"), Cells.text(c, "spec", "schedule"),
            Cells.orNone(Cells.text(c, "spec", "timeZone")),
            suspend.isBoolean() ? (suspend.asBoolean() ? "True" : "False") : "<unset>",
            (long) c.path("status").path("active").size(),
            last.isEmpty() ? Cells.NONE : Cells.since(last, now),
            Cells.age(c, now),
            String.join(",", Cells.strings(containers, "name")),
            String.join(",", Cells.strings(containers, "image")),
            ReplicaSetPrinters.labelSelector(spec.path("jobTemplate").path("spec").path("selector")));
      });

  static String status(JsonNode j) {
    if (hasCondition(j, "Complete")) {
      return "Complete";
    } else if (hasCondition(j, "Failed")) {
      return "Failed";
    } else if (j.path("metadata").has("deletionTimestamp")) {
      return "Terminating";
    } else if (hasCondition(j, "Suspended")) {
      return "Suspended";
    } else if (hasCondition(j, "FailureTarget")) {
      return "FailureTarget";
    } else if (hasCondition(j, "SuccessCriteriaMet")) {
      return "SuccessCriteriaMet";
    }
    return "Running";
  }

  private static String completions(JsonNode j) {
    long succeeded = j.path("status").path("succeeded").asLong(0);
    JsonNode completions = j.path("spec").path("completions");
    if (completions.isNumber()) {
      return succeeded + "/" + completions.asLong();
    }
    long parallelism = j.path("spec").path("parallelism").asLong(0);
    return parallelism > 1 ? succeeded + "/1 of " + parallelism : succeeded + "/1";
  }

  private static String duration(JsonNode j, Instant now) {
    String start = j.path("status").path("startTime").asText("");
    if (start.isEmpty()) {
      return "";
    }
    String end = j.path("status").path("completionTime").asText("");
    Instant until = end.isEmpty() ? now : Instant.parse(end);
    return HumanDuration.format(Duration.between(Instant.parse(start), until));
  }

  private static boolean hasCondition(JsonNode j, String type) {
    for (JsonNode c : j.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type) && c.path("status").asText().equals("True")) {
        return true;
      }
    }
    return false;
  }
}
