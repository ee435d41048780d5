package dev.ordinal.scheduler.taints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.scheduler.taints.TaintEvictionPlanner.Plan;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintEvictionPlannerTest {
  static final Instant NOW = Instant.parse("2025-01-01T00:10:00Z");

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode node(String taints) {
    return obj("{'metadata':{'name':'n1'},'spec':{'taints':[" + taints + "]}}");
  }

  static ObjectNode pod(String tolerations) {
    return obj("{'metadata':{'name':'p','namespace':'d'},'spec':{'nodeName':'n1','tolerations':[" + tolerations + "]}}");
  }

  static final String NO_EXECUTE = "{'key':'node.kubernetes.io/unreachable','effect':'NoExecute'}";
  static final String OTHER_NO_EXECUTE = "{'key':'maintenance','value':'yes','effect':'NoExecute'}";
  static final String NO_SCHEDULE = "{'key':'dedicated','value':'db','effect':'NoSchedule'}";

  static Stream<Arguments> cases() {
    String unreachable300 = "{'key':'node.kubernetes.io/unreachable','operator':'Exists','effect':'NoExecute','tolerationSeconds':300}";
    return Stream.of(
        Arguments.of("no NoExecute taint: stays", node(NO_SCHEDULE), pod(""), null, new Plan.Stay()),
        Arguments.of("untolerated NoExecute taint: evicted now", node(NO_EXECUTE), pod(""), null, new Plan.Evict()),
        Arguments.of("tolerated for ever: stays", node(NO_EXECUTE), pod("{'operator':'Exists'}"), null, new Plan.Stay()),
        Arguments.of("tolerated for 300 s, first seen now: evicted in 300 s", node(NO_EXECUTE), pod(unreachable300), null,
            new Plan.EvictLater(Duration.ofSeconds(300))),
        Arguments.of("tolerated for 300 s, seen 100 s ago: 200 s left", node(NO_EXECUTE), pod(unreachable300), NOW.minusSeconds(100),
            new Plan.EvictLater(Duration.ofSeconds(200))),
        Arguments.of("tolerated for 300 s, seen 300 s ago: evicted now", node(NO_EXECUTE), pod(unreachable300), NOW.minusSeconds(300),
            new Plan.Evict()),
        Arguments.of("one of two NoExecute taints untolerated: evicted now", node(NO_EXECUTE + "," + OTHER_NO_EXECUTE),
            pod(unreachable300), null, new Plan.Evict()),
        Arguments.of("the least tolerationSeconds of the tolerations used", node(NO_EXECUTE + "," + OTHER_NO_EXECUTE),
            pod(unreachable300 + ",{'key':'maintenance','operator':'Exists','tolerationSeconds':60}"), null,
            new Plan.EvictLater(Duration.ofSeconds(60))),
        Arguments.of("a toleration without seconds does not limit", node(NO_EXECUTE + "," + OTHER_NO_EXECUTE),
            pod(unreachable300 + ",{'key':'maintenance','operator':'Exists'}"), null, new Plan.EvictLater(Duration.ofSeconds(300))),
        Arguments.of("each taint uses its first matching toleration", node(NO_EXECUTE),
            pod("{'operator':'Exists'}," + unreachable300), null, new Plan.Stay()),
        Arguments.of("zero or negative seconds: evicted now", node(NO_EXECUTE),
            pod("{'operator':'Exists','effect':'NoExecute','tolerationSeconds':-5}"), null, new Plan.Evict()),
        Arguments.of("a NoSchedule toleration does not tolerate NoExecute", node(NO_EXECUTE),
            pod("{'operator':'Exists','effect':'NoSchedule'}"), null, new Plan.Evict()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode node, ObjectNode pod, Instant since, Plan expected) {
    assertThat(TaintEvictionPlanner.plan(pod, node, since, NOW)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void podsBeingDeletedAreLeftAlone() {
    ObjectNode p = pod("");
    p.with("metadata").put("deletionTimestamp", "2025-01-01T00:00:00Z");
    assertThat(TaintEvictionPlanner.plan(p, node(NO_EXECUTE), null, NOW)).isEqualTo(new Plan.Stay());
  }
}
