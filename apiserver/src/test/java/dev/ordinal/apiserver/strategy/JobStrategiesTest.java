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

  static ObjectNode indexed(int completions, String specExtra) {
    ObjectNode j = job("Never");
    ObjectNode spec = j.with("spec");
    spec.put("completionMode", "Indexed").put("completions", completions);
    obj("{" + specExtra + "}").fields().forEachRemaining(e -> spec.set(e.getKey(), e.getValue()));
    JOB.applyDefaults(j);
    return j;
  }

  @Test
  void backoffLimitPerIndexDefaultsTheGlobalLimitToMaxInt32() {
    ObjectNode j = indexed(4, "'backoffLimitPerIndex':1,'maxFailedIndexes':2");
    assertThat(j.path("spec").path("backoffLimit").asInt()).isEqualTo(Integer.MAX_VALUE);
    assertThat(JOB.validateCreate(j)).isEmpty();
    assertThat(indexed(4, "").path("spec").path("backoffLimit").asInt()).isEqualTo(6);
  }

  @Test
  void perIndexFieldsRules() {
    ObjectNode nonIndexed = job("Never");
    nonIndexed.with("spec").put("backoffLimitPerIndex", 1).put("maxFailedIndexes", 1);
    JOB.applyDefaults(nonIndexed);
    assertThat(messages(JOB.validateCreate(nonIndexed))).contains(
        "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode",
        "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode");
    assertThat(messages(JOB.validateCreate(indexed(3, "'maxFailedIndexes':4")))).containsExactlyInAnyOrder(
        "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified",
        "spec.maxFailedIndexes: Invalid value: 4: must be less than or equal to completions");
    assertThat(messages(JOB.validateCreate(indexed(3, "'backoffLimitPerIndex':-1")))).containsExactly(
        "spec.backoffLimitPerIndex: Invalid value: -1: must be greater than or equal to 0");
    assertThat(messages(JOB.validateCreate(indexed(200_000, "'backoffLimitPerIndex':1,'maxFailedIndexes':100001")))).containsExactlyInAnyOrder(
        "spec.maxFailedIndexes: Invalid value: 100001: must be less than or equal to 100000",
        "spec.maxFailedIndexes: Invalid value: 100001: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index");
    assertThat(messages(JOB.validateCreate(indexed(200_000, "'backoffLimitPerIndex':1,'parallelism':10001")))).containsExactlyInAnyOrder(
        "spec.maxFailedIndexes: Required value: must be specified when completions is above 100000",
        "spec.parallelism: Invalid value: 10001: must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index");
    // as upstream, more than 100000 completions are fine for an Indexed Job; the parallelism is capped
    assertThat(JOB.validateCreate(indexed(200_000, ""))).isEmpty();
    assertThat(messages(JOB.validateCreate(indexed(200_000, "'parallelism':100001")))).containsExactly(
        "spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed");
    String failIndex = "'podFailurePolicy':{'rules':[{'action':'FailIndex','onExitCodes':{'operator':'In','values':[3]}}]}";
    assertThat(messages(JOB.validateCreate(indexed(3, failIndex)))).containsExactly(
        "spec.podFailurePolicy.rules[0].action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set");
    assertThat(JOB.validateCreate(indexed(3, failIndex + ",'backoffLimitPerIndex':0"))).isEmpty();
  }

  @Test
  void successPolicyRules() {
    ObjectNode nonIndexed = job("Never");
    nonIndexed.with("spec").set("successPolicy", obj("{'rules':[{'succeededCount':1}]}"));
    JOB.applyDefaults(nonIndexed);
    assertThat(messages(JOB.validateCreate(nonIndexed))).containsExactly(
        "spec.successPolicy: Invalid value: {\"rules\":[{\"succeededCount\":1}]}: requires indexed completion mode");
    assertThat(JOB.validateCreate(indexed(5, "'successPolicy':{'rules':[{'succeededIndexes':'0,2-4','succeededCount':4},{'succeededCount':5}]}")))
        .isEmpty();
    assertThat(messages(JOB.validateCreate(indexed(5, "'successPolicy':{'rules':[]}")))).containsExactly(
        "spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is specified");
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 21; i++) {
      many.append(i == 0 ? "" : ",").append("{'succeededCount':1}");
    }
    assertThat(messages(JOB.validateCreate(indexed(5, "'successPolicy':{'rules':[" + many + "]}")))).containsExactly(
        "spec.successPolicy.rules: Too many: 21: must have at most 20 items");
    assertThat(messages(JOB.validateCreate(indexed(5, "'successPolicy':{'rules':[{},"
        + "{'succeededIndexes':'1-2-3'},{'succeededIndexes':'x'},{'succeededIndexes':'5'},{'succeededIndexes':'3,1'},{'succeededIndexes':'2-2'},"
        + "{'succeededCount':6},{'succeededIndexes':'0-1','succeededCount':3},{'succeededCount':-1}]}")))).containsExactly(
        "spec.successPolicy.rules[0]: Required value: at least one of succeededCount or succeededIndexes must be specified",
        "spec.successPolicy.rules[1].succeededIndexes: Invalid value: \"1-2-3\": error parsing succeededIndexes: the fragment \"1-2-3\" "
            + "violates the requirement that an index interval can have at most two parts separated by '-'",
        "spec.successPolicy.rules[2].succeededIndexes: Invalid value: \"x\": error parsing succeededIndexes: cannot convert string to integer for index: \"x\"",
        "spec.successPolicy.rules[3].succeededIndexes: Invalid value: \"5\": error parsing succeededIndexes: too large index: \"5\"",
        "spec.successPolicy.rules[4].succeededIndexes: Invalid value: \"3,1\": error parsing succeededIndexes: non-increasing order, previous: 3, current: 1",
        "spec.successPolicy.rules[5].succeededIndexes: Invalid value: \"2-2\": error parsing succeededIndexes: non-increasing order, previous: 2, current: 2",
        "spec.successPolicy.rules[6].succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)",
        "spec.successPolicy.rules[7].succeededCount: Invalid value: 3: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)",
        "spec.successPolicy.rules[8].succeededCount: Invalid value: -1: must be greater than or equal to 0");
    assertThat(JobIndexedValidation.indexesTotal("0,2-4,7", 8)).isEqualTo(5);
    ObjectNode old = indexed(5, "'successPolicy':{'rules':[{'succeededCount':1}]}");
    ObjectNode changed = old.deepCopy();
    ((ObjectNode) changed.with("spec").with("successPolicy").withArray("rules").get(0)).put("succeededCount", 2);
    assertThat(JOB.validateUpdate(changed, old)).extracting(e -> e.path()).containsExactly("spec.successPolicy");
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
