package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContainerResizeTest {
  static JsonNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes());
  }

  static final String BASE = "{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}";

  static Stream<Arguments> changes() {
    return Stream.of(
        Arguments.of("nothing", BASE, Set.of()),
        Arguments.of("the same amounts written otherwise", "{'requests':{'cpu':'0.1','memory':'33554432'},'limits':{'cpu':'200m','memory':'64Mi'}}",
            Set.of()),
        Arguments.of("memory limit", "{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'128Mi'}}", Set.of("memory")),
        Arguments.of("cpu request", "{'requests':{'cpu':'150m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}", Set.of("cpu")),
        Arguments.of("both", "{'requests':{'cpu':'150m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'65Mi'}}", Set.of("cpu", "memory")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void changedResources(String name, String wanted, Set<String> expected) {
    assertThat(ContainerResize.changed(json(BASE), json(wanted))).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void restartsOnlyWhereTheChangedResourcesPolicySaysSo() {
    JsonNode c = json("{'resizePolicy':[{'resourceName':'cpu','restartPolicy':'NotRequired'},"
        + "{'resourceName':'memory','restartPolicy':'RestartContainer'}]}");
    assertThat(ContainerResize.needsRestart(c, Set.of("cpu"))).isFalse();
    assertThat(ContainerResize.needsRestart(c, Set.of("memory"))).isTrue();
    assertThat(ContainerResize.needsRestart(json("{}"), Set.of("cpu", "memory"))).as("default NotRequired").isFalse();
  }

  @Test
  void cgroupLimitsAsOci() {
    assertThat(ContainerResize.linuxResources(json(BASE)).toString()).isEqualTo(json(
        "{'memory':{'limit':67108864,'swap':67108864},'cpu':{'period':100000,'quota':20000}}").toString());
    assertThat(ContainerResize.linuxResources(json("{'requests':{'cpu':'1'}}"))).isEqualTo(json("{}"));
  }
}
