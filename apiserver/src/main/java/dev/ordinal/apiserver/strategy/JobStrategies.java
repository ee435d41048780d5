package dev.ordinal.apiserver.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * batch/v1 Jobs and CronJobs: defaults and validation as Kubernetes 1.32's registry applies them.
 * A Job without manualSelector gets upstream's generated selector: the pod template is labelled
 * with the Job's uid (batch.kubernetes.io/controller-uid and the legacy controller-uid) and name,
 * and the selector matches the uid, so pods of a re-created Job of the same name are never claimed.
 */
final class JobStrategies {
  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  static final String LEGACY_CONTROLLER_UID = "controller-uid";
  static final String LEGACY_JOB_NAME = "job-name";

  private JobStrategies() {}

  static final ResourceStrategy JOB = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode job) {
      job.remove("status");
      job.putObject("status");
    }

    @Override
    public void applyDefaults(ObjectNode job) {
      ObjectNode spec = Defaults.object(job, "spec");
      jobSpecDefaults(spec);
      if (!spec.path("manualSelector").asBoolean(false)) {
        generateSelector(job, spec);
      }
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode job) {
      Errors errs = new Errors();
      JsonNode spec = job.path("spec");
      validateJobSpec(spec, "spec", errs);
      if (!spec.path("manualSelector").asBoolean(false)) {
        // upstream: without manualSelector the selector must be exactly the generated one
        ObjectNode generated = Json.object();
        generated.putObject("matchLabels").put(CONTROLLER_UID, job.path("metadata").path("uid").asText(""));
        if (spec.path("selector").isObject() && !spec.path("selector").equals(generated)) {
          errs.invalid("spec.selector", spec.path("selector").toString(), "`selector` not auto-generated");
        }
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode job, ObjectNode old) {
      List<FieldError> errs = new ArrayList<>(validateCreate(job));
      JsonNode spec = job.path("spec");
      JsonNode oldSpec = old.path("spec");
      for (String f : new String[] {"selector", "completionMode", "podFailurePolicy", "backoffLimitPerIndex", "successPolicy", "manualSelector"}) {
        if (!spec.path(f).equals(oldSpec.path(f))) {
          errs.add(FieldError.invalid("spec." + f, spec.path(f).toString(), "field is immutable"));
        }
      }
      // upstream allows completions to change only with parallelism, for Indexed Jobs (elastic)
      boolean elastic = spec.path("completionMode").asText().equals("Indexed")
          && spec.path("completions").equals(spec.path("parallelism"));
      if (!spec.path("completions").equals(oldSpec.path("completions")) && !elastic) {
        errs.add(FieldError.invalid("spec.completions", spec.path("completions").asLong(), "field is immutable"));
      }
      // the template may change only while the Job is suspended and has not started (scheduling directives)
      if (!spec.path("template").equals(oldSpec.path("template"))
          && !(oldSpec.path("suspend").asBoolean(false) && old.path("status").path("startTime").isMissingNode())) {
        errs.add(FieldError.invalid("spec.template", "", "field is immutable"));
      }
      return errs;
    }
  };

  static final ResourceStrategy CRON_JOB = new ResourceStrategy() {
    @Override
    public void prepareForCreate(ObjectNode cj) {
      cj.remove("status");
      cj.putObject("status");
    }

    @Override
    public void applyDefaults(ObjectNode cj) {
      ObjectNode spec = Defaults.object(cj, "spec");
      Defaults.put(spec, "concurrencyPolicy", "Allow");
      Defaults.put(spec, "suspend", false);
      Defaults.put(spec, "successfulJobsHistoryLimit", 3);
      Defaults.put(spec, "failedJobsHistoryLimit", 1);
      // only the pod template is defaulted: upstream's Job defaults apply to Jobs, so a Job made
      // from the template gets them when it is created
      ObjectNode jobSpec = Defaults.object(Defaults.object(spec, "jobTemplate"), "spec");
      PodSpecDefaults.apply(Defaults.object(Defaults.object(jobSpec, "template"), "spec"));
    }

    @Override
    public List<FieldError> validateCreate(ObjectNode cj) {
      Errors errs = new Errors();
      JsonNode spec = cj.path("spec");
      String schedule = spec.path("schedule").asText("");
      if (schedule.isEmpty()) {
        errs.required("spec.schedule", "");
      } else {
        try {
          dev.ordinal.api.cron.CronSchedule.parse(schedule);
        } catch (IllegalArgumentException e) {
          errs.invalid("spec.schedule", schedule, e.getMessage());
        }
        if (schedule.contains("TZ=") || schedule.contains("CRON_TZ=")) {
          errs.invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        }
      }
      JsonNode tz = spec.path("timeZone");
      if (tz.isTextual()) {
        try {
          ZoneId.of(tz.asText());
        } catch (RuntimeException e) {
          errs.invalid("spec.timeZone", tz.asText(), "unknown time zone " + tz.asText());
        }
      }
      String policy = spec.path("concurrencyPolicy").asText("");
      if (!List.of("Allow", "Forbid", "Replace").contains(policy)) {
        errs.notSupported("spec.concurrencyPolicy", policy, List.of("Allow", "Forbid", "Replace"));
      }
      errs.nonNegative("spec.startingDeadlineSeconds", spec.path("startingDeadlineSeconds"));
      errs.nonNegative("spec.successfulJobsHistoryLimit", spec.path("successfulJobsHistoryLimit"));
      errs.nonNegative("spec.failedJobsHistoryLimit", spec.path("failedJobsHistoryLimit"));
      JsonNode jobSpec = spec.path("jobTemplate").path("spec");
      validateJobSpec(jobSpec, "spec.jobTemplate.spec", errs);
      // upstream: a CronJob's Jobs always get generated selectors
      if (jobSpec.path("selector").isObject()) {
        errs.invalid("spec.jobTemplate.spec.selector", jobSpec.path("selector").toString(), "`selector` will be auto-generated");
      }
      if (jobSpec.path("manualSelector").asBoolean(false)) {
        errs.notSupported("spec.jobTemplate.spec.manualSelector", true, List.of("nil", "false"));
      }
      return errs.list();
    }

    @Override
    public List<FieldError> validateUpdate(ObjectNode cj, ObjectNode old) {
      return validateCreate(cj);
    }
  };

  static void jobSpecDefaults(ObjectNode spec) {
    boolean noCounts = !spec.has("completions") && !spec.has("parallelism");
    if (noCounts) {
      spec.put("completions", 1);
    }
    Defaults.put(spec, "parallelism", 1);
    Defaults.put(spec, "backoffLimit", spec.has("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
    Defaults.put(spec, "completionMode", "NonIndexed");
    Defaults.put(spec, "suspend", false);
    Defaults.put(spec, "manualSelector", false);
    Defaults.put(spec, "podReplacementPolicy", spec.has("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
    ObjectNode template = Defaults.object(spec, "template");
    PodSpecDefaults.apply(Defaults.object(template, "spec"));
  }

  private static void generateSelector(ObjectNode job, ObjectNode spec) {
    String uid = job.path("metadata").path("uid").asText("");
    String name = job.path("metadata").path("name").asText("");
    ObjectNode labels = Defaults.object(Defaults.object(Defaults.object(spec, "template"), "metadata"), "labels");
    labels.put(CONTROLLER_UID, uid).put(JOB_NAME, name).put(LEGACY_CONTROLLER_UID, uid).put(LEGACY_JOB_NAME, name);
    if (!spec.has("selector")) {
      spec.putObject("selector").putObject("matchLabels").put(CONTROLLER_UID, uid);
    }
  }

  static void validateJobSpec(JsonNode spec, String path, Errors errs) {
    errs.nonNegative(path + ".parallelism", spec.path("parallelism"));
    errs.nonNegative(path + ".completions", spec.path("completions"));
    errs.nonNegative(path + ".backoffLimit", spec.path("backoffLimit"));
    errs.nonNegative(path + ".ttlSecondsAfterFinished", spec.path("ttlSecondsAfterFinished"));
    JsonNode deadline = spec.path("activeDeadlineSeconds");
    if (deadline.isNumber() && deadline.asLong() <= 0) {
      errs.invalid(path + ".activeDeadlineSeconds", deadline.asLong(), "must be greater than 0");
    }
    String mode = spec.path("completionMode").asText("");
    if (!List.of("NonIndexed", "Indexed").contains(mode) && !(mode.isEmpty() && !path.equals("spec"))) {
      errs.notSupported(path + ".completionMode", mode, List.of("NonIndexed", "Indexed"));
    } else if (mode.equals("Indexed")) {
      if (!spec.path("completions").isNumber()) {
        errs.required(path + ".completions", "when completion mode is Indexed");
      }
    }
    JobIndexedValidation.validate(spec, path, mode.equals("Indexed"), errs);
    String replacement = spec.path("podReplacementPolicy").asText("");
    if (!replacement.isEmpty() && !List.of("TerminatingOrFailed", "Failed").contains(replacement)) {
      errs.notSupported(path + ".podReplacementPolicy", replacement, List.of("Failed", "TerminatingOrFailed"));
    }
    JsonNode sel = spec.path("selector");
    if (path.equals("spec")) {
      if (!sel.isObject()) {
        errs.required(path + ".selector", "");
      } else {
        try {
          LabelSelector s = LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
          Map<String, String> labels = ReplicaSetStrategies.strings(spec.path("template").path("metadata").path("labels"));
          if (s.isEmpty()) {
            errs.invalid(path + ".selector", sel.toString(), "empty selector is invalid for job");
          } else if (!s.matches(labels)) {
            errs.invalid(path + ".template.metadata.labels", ReplicaSetStrategies.GoValue.of(labels), "`selector` does not match template `labels`");
          }
        } catch (SelectorException | IllegalArgumentException e) {
          errs.invalid(path + ".selector", sel.toString(), e.getMessage());
        }
      }
    }
    String restart = spec.path("template").path("spec").path("restartPolicy").asText("");
    if (restart.isEmpty()) {
      errs.required(path + ".template.spec.restartPolicy", "valid values: \"OnFailure\", \"Never\"");
    } else if (!restart.equals("OnFailure") && !restart.equals("Never")) {
      errs.notSupported(path + ".template.spec.restartPolicy", restart, List.of("OnFailure", "Never"));
    }
    JsonNode pfp = spec.path("podFailurePolicy");
    if (pfp.isObject()) {
      if (!restart.equals("Never")) {
        errs.invalid(path + ".template.spec.restartPolicy", restart, "only \"Never\" is supported when podFailurePolicy is specified");
      }
      int i = 0;
      for (JsonNode rule : pfp.path("rules")) {
        String rp = path + ".podFailurePolicy.rules[" + i++ + "]";
        String action = rule.path("action").asText("");
        if (action.isEmpty()) {
          errs.required(rp + ".action", "valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]");
        } else if (action.equals("FailIndex")) {
          if (!spec.path("backoffLimitPerIndex").isNumber()) {
            errs.invalid(rp + ".action", action, "requires the backoffLimitPerIndex to be set");
          }
        } else if (!List.of("FailJob", "Ignore", "Count").contains(action)) {
          errs.notSupported(rp + ".action", action, List.of("Count", "FailIndex", "FailJob", "Ignore"));
        }
        boolean codes = rule.has("onExitCodes");
        boolean conds = rule.has("onPodConditions") && !rule.path("onPodConditions").isEmpty();
        if (codes == conds) {
          errs.invalid(rp, "", "specifying one of OnExitCodes and OnPodConditions is required");
        }
        if (codes) {
          String op = rule.path("onExitCodes").path("operator").asText("");
          if (!List.of("In", "NotIn").contains(op)) {
            errs.notSupported(rp + ".onExitCodes.operator", op, List.of("In", "NotIn"));
          }
          if (rule.path("onExitCodes").path("values").isEmpty()) {
            errs.required(rp + ".onExitCodes.values", "at least one value is required");
          }
        }
      }
    }
    PodSpecValidation.validate(spec.path("template").path("spec"), path + ".template.spec", java.util.Set.of(), errs);
  }
}
