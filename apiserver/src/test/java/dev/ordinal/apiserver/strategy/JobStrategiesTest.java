package dev.ordinal.apiserver.strategy;

import static dev.ordinal.apiserver.strategy.StrategiesTest.messages;
import static dev.ordinal.apiserver.strategy.StrategiesTest.obj;
import static dev.ordinal.apiserver.strategy.StrategiesTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class JobStrategiesTest {
  static final ResourceStrategy JOB = Strategies.forType(type("batch", "jobs"));
  static final ResourceStrategy CRON = Strategies.forType(type("batch", "cronjobs"));

  static ObjectNode job(String restartPolicy) {
    return obj("{'metadata':{'name':'pi','namespace':'default','uid':'u1'},'spec':{'template':{'spec':{'restartPolicy':'" + restartPolicy + "',"
        + "'containers':[{'name':'pi','image':'perl'}]}}}}");
  }

  @Test
  void aMinimalJobGetsUpstreamsDefaultsAndAGeneratedSelector() {
    ObjectNode j = job("Never");
    JOB.applyDefaults(j);
    var spec = j.path("spec");
    assertThat(spec.path("completions").asInt()).isEqualTo(1);
    assertThat(spec.path("parallelism").asInt()).isEqualTo(1);
    assertThat(spec.path("backoffLimit").asInt()).isEqualTo(6);
    assertThat(spec.path("completionMode").asText()).isEqualTo("NonIndexed");
    assertThat(spec.path("suspend").asBoolean(true)).isFalse();
    assertThat(spec.path("manualSelector").asBoolean(true)).isFalse();
    assertThat(spec.path("podReplacementPolicy").asText()).isEqualTo("TerminatingOrFailed");
    assertThat(spec.path("selector").toString()).isEqualTo("{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"u1\"}}");
    assertThat(spec.path("template").path("metadata").path("labels").toString()).isEqualTo(
        "{\"batch.kubernetes.io/controller-uid\":\"u1\",\"batch.kubernetes.io/job-name\":\"pi\",\"controller-uid\":\"u1\",\"job-name\":\"pi\"}");
    assertThat(JOB.validateCreate(j)).isEmpty();
  }

  @Test
  void aWorkQueueJobKeepsCompletionsUnset() {
    ObjectNode j = job("OnFailure");
    j.with("spec").put("parallelism", 3);
    JOB.applyDefaults(j);
    assertThat(j.path("spec").has("completions")).isFalse();
  }

  @Test
  void jobRules() {
    ObjectNode always = job("Always");
    JOB.applyDefaults(always);
    assertThat(messages(JOB.validateCreate(always))).contains(
        "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"");
    ObjectNode bad = job("Never");
    bad.with("spec").put("completionMode", "Indexed").put("parallelism", -1).put("activeDeadlineSeconds", 0);
    bad.with("spec").put("manualSelector", true).putObject("selector").putObject("matchLabels").put("app", "other");
    JOB.applyDefaults(bad);
    bad.with("spec").remove("completions");
    assertThat(messages(JOB.validateCreate(bad))).contains(
        "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
        "spec.activeDeadlineSeconds: Invalid value: 0: must be greater than 0",
        "spec.completions: Required value: when completion mode is Indexed",
        "spec.template.metadata.labels: Invalid value: map[string]string{}: `selector` does not match template `labels`");
  }

  @Test
  void completionsSelectorAndStartedTemplatesAreImmutable() {
    ObjectNode old = job("Never");
    JOB.applyDefaults(old);
    old.putObject("status").put("startTime", "2026-12-02T05:00:00Z");
    ObjectNode changed = old.deepCopy();
    changed.with("spec").put("completions", 4);
    changed.with("spec").with("template").with("spec").withArray("containers").addObject().put("name", "x").put("image", "y");
    changed.with("spec").with("selector").with("matchLabels").put("more", "x");
    assertThat(messages(JOB.validateUpdate(changed, old))).contains(
        "spec.completions: Invalid value: 4: field is immutable");
    assertThat(JOB.validateUpdate(changed, old)).extracting(e -> e.path()).contains("spec.selector", "spec.template");
  }

  @Test
  void aSelectorThatIsNotTheGeneratedOneIsRefused() {
    ObjectNode j = job("Never");
    j.with("spec").putObject("selector").putObject("matchLabels").put("batch.kubernetes.io/controller-uid", "other");
    JOB.applyDefaults(j);
    assertThat(messages(JOB.validateCreate(j))).anyMatch(m -> m.startsWith("spec.selector: Invalid value: ")
        && m.endsWith("other\"}}\": `selector` not auto-generated"));
    ObjectNode pfp = job("OnFailure");
    pfp.with("spec").putObject("podFailurePolicy").putArray("rules");
    JOB.applyDefaults(pfp);
    assertThat(messages(JOB.validateCreate(pfp))).contains(
        "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when podFailurePolicy is specified");
  }

  @Test
  void cronJobDefaultsAndRules() {
    ObjectNode cj = obj("{'metadata':{'name':'tick','namespace':'default'},'spec':{'schedule':'@hourly','jobTemplate':{'spec':{'template':{'spec':{"
        + "'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}");
    CRON.applyDefaults(cj);
    assertThat(cj.path("spec").path("concurrencyPolicy").asText()).isEqualTo("Allow");
    assertThat(cj.path("spec").path("successfulJobsHistoryLimit").asInt()).isEqualTo(3);
    assertThat(cj.path("spec").path("failedJobsHistoryLimit").asInt()).isEqualTo(1);
    assertThat(cj.path("spec").path("jobTemplate").path("spec").has("backoffLimit")).isFalse();
    assertThat(CRON.validateCreate(cj)).isEmpty();
    cj.with("spec").put("schedule", "61 * * * *").put("timeZone", "Nowhere/Town").put("concurrencyPolicy", "Sometimes");
    assertThat(messages(CRON.validateCreate(cj))).contains(
        "spec.timeZone: Invalid value: \"Nowhere/Town\": unknown time zone Nowhere/Town",
        "spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\"");
    assertThat(messages(CRON.validateCreate(cj))).anyMatch(m -> m.startsWith("spec.schedule: Invalid value: \"61 * * * *\""));
  }
}
