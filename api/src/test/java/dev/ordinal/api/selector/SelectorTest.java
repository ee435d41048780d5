package dev.ordinal.api.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {
  static final Map<String, String> WEB = Map.of("app", "web", "tier", "front");

  @Test
  void labelOperators() {
    assertThat(LabelSelector.parse("app=web").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app==web,tier=front").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app!=web").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("app!=db").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app in (db, web)").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("app notin (db,web)").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("tier,app in (web)").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("!tier").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("!zone").matches(WEB)).isTrue();
    assertThat(LabelSelector.parse("zone").matches(WEB)).isFalse();
    assertThat(LabelSelector.parse("example.com/role=x").matches(Map.of("example.com/role", "x"))).isTrue();
    assertThat(LabelSelector.parse("").isEmpty()).isTrue();
  }

  @Test
  void labelSyntaxErrors() {
    assertThatThrownBy(() -> LabelSelector.parse("app in (web")).isInstanceOf(SelectorException.class);
    assertThatThrownBy(() -> LabelSelector.parse("app=we b")).isInstanceOf(SelectorException.class);
    assertThatThrownBy(() -> LabelSelector.parse("-bad=x")).isInstanceOf(SelectorException.class);
    assertThatThrownBy(() -> LabelSelector.parse("app within (x)")).isInstanceOf(SelectorException.class);
  }

  @Test
  void fromTheApiType() {
    var s = LabelSelector.fromSelector(new LabelSelectorBuilder().addToMatchLabels("app", "web")
        .addNewMatchExpression().withKey("tier").withOperator("In").withValues("front", "back").endMatchExpression().build());
    assertThat(s.matches(WEB)).isTrue();
    assertThat(s.matches(Map.of("app", "web"))).isFalse();
    assertThat(s.toString()).isEqualTo("app=web,tier in (front,back)");
  }

  @Test
  void fieldSelectors() {
    ObjectNode pod = Json.parseObject("{\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},\"spec\":{\"nodeName\":\"n1\"},\"status\":{\"phase\":\"Running\"}}".getBytes());
    assertThat(FieldSelector.parse("metadata.name=p").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.nodeName==n1,status.phase!=Failed").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("spec.nodeName=").matches(pod)).isFalse();
    assertThat(FieldSelector.parse("spec.schedulerName=").matches(pod)).isTrue();
    assertThat(FieldSelector.parse("metadata.name=p").singleName()).contains("p");
    assertThat(FieldSelector.parse("metadata.name!=p").singleName()).isEmpty();
  }

  @Test
  void unsupportedFieldsAreRefused() {
    FieldSelector.parse("spec.nodeName=x").checkSupported("Pod");
    assertThatThrownBy(() -> FieldSelector.parse("spec.nodeName=x").checkSupported("ConfigMap"))
        .hasMessage("field label not supported: spec.nodeName");
    assertThatThrownBy(() -> FieldSelector.parse("nonsense")).isInstanceOf(SelectorException.class);
  }
}
