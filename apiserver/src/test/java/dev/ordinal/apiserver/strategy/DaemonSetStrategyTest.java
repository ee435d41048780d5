package dev.ordinal.apiserver.strategy;

import static dev.ordinal.apiserver.strategy.StrategiesTest.messages;
import static dev.ordinal.apiserver.strategy.StrategiesTest.obj;
import static dev.ordinal.apiserver.strategy.StrategiesTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class DaemonSetStrategyTest {
  static final ResourceStrategy S = Strategies.forType(type("apps", "daemonsets"));

  static ObjectNode ds() {
    return obj("{'metadata':{'name':'logs','namespace':'default'},'spec':{'selector':{'matchLabels':{'app':'logs'}},"
        + "'template':{'metadata':{'labels':{'app':'logs'}},'spec':{'containers':[{'name':'c','image':'busybox'}]}}}}");
  }

  @Test
  void aMinimalDaemonSetGetsUpstreamsDefaultsAndTemplateGenerationOne() {
    ObjectNode d = ds();
    S.prepareForCreate(d);
    S.applyDefaults(d);
    assertThat(d.path("spec").path("updateStrategy").toString())
        .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}");
    assertThat(d.path("spec").path("revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(d.path("spec").path("template").path("spec").path("restartPolicy").asText()).isEqualTo("Always");
    assertThat(d.path("metadata").path("annotations").path("deprecated.daemonset.template.generation").asText()).isEqualTo("1");
    assertThat(d.path("status").path("desiredNumberScheduled").asInt()).isZero();
    assertThat(S.validateCreate(d)).isEmpty();
  }

  @Test
  void theTemplateGenerationGrowsWithTemplateChangesOnly() {
    ObjectNode old = ds();
    S.prepareForCreate(old);
    ObjectNode same = ds();
    same.with("spec").put("minReadySeconds", 5);
    S.prepareForUpdate(same, old);
    assertThat(same.path("metadata").path("annotations").path("deprecated.daemonset.template.generation").asText()).isEqualTo("1");
    ObjectNode changed = ds();
    ((ObjectNode) changed.path("spec").path("template").path("spec").path("containers").get(0)).put("image", "busybox:2");
    S.prepareForUpdate(changed, old);
    assertThat(changed.path("metadata").path("annotations").path("deprecated.daemonset.template.generation").asText()).isEqualTo("2");
  }

  @Test
  void rulesWithFieldPaths() {
    ObjectNode bad = ds();
    bad.with("spec").with("selector").with("matchLabels").put("app", "other");
    bad.with("spec").with("template").with("spec").put("restartPolicy", "OnFailure");
    S.applyDefaults(bad);
    assertThat(messages(S.validateCreate(bad))).contains(
        "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"logs\"}: `selector` does not match template `labels`",
        "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"");
    ObjectNode both = ds();
    both.with("spec").putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxUnavailable", 1).put("maxSurge", "10%");
    S.applyDefaults(both);
    assertThat(messages(S.validateCreate(both))).contains(
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: \"10%\": may not be set when maxUnavailable is non-zero");
    ObjectNode none = ds();
    none.with("spec").putObject("updateStrategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxUnavailable", 0).put("maxSurge", 0);
    assertThat(messages(S.validateCreate(none))).contains("spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0");
    ObjectNode type = ds();
    type.with("spec").putObject("updateStrategy").put("type", "Recreate");
    assertThat(messages(S.validateCreate(type))).anySatisfy(m -> assertThat(m).startsWith("spec.updateStrategy.type: Unsupported value: \"Recreate\""));
    ObjectNode onDelete = ds();
    onDelete.with("spec").putObject("updateStrategy").put("type", "OnDelete");
    S.applyDefaults(onDelete);
    assertThat(S.validateCreate(onDelete)).isEmpty();
    assertThat(onDelete.path("spec").path("updateStrategy").has("rollingUpdate")).isFalse();
  }

  @Test
  void theSelectorIsImmutable() {
    ObjectNode old = ds();
    S.applyDefaults(old);
    ObjectNode changed = old.deepCopy();
    changed.with("spec").with("selector").with("matchLabels").put("tier", "x");
    changed.with("spec").with("template").with("metadata").with("labels").put("tier", "x");
    assertThat(messages(S.validateUpdate(changed, old))).anySatisfy(m -> assertThat(m).startsWith("spec.selector: Invalid value: ").endsWith("field is immutable"));
  }
}
