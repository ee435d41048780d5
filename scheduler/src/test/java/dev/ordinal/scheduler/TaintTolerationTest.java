package dev.ordinal.scheduler;

import static dev.ordinal.scheduler.Fixtures.expect;
import static dev.ordinal.scheduler.Fixtures.node;
import static dev.ordinal.scheduler.Fixtures.obj;
import static dev.ordinal.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.scheduler.taints.Tolerations;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TaintTolerationTest {

  @ParameterizedTest(name = "{0} tolerates {1}: {2}")
  @CsvSource(delimiter = '|', value = {
      "{'key':'k','operator':'Equal','value':'v','effect':'NoSchedule'} | {'key':'k','value':'v','effect':'NoSchedule'} | true",
      "{'key':'k','value':'v'}                                          | {'key':'k','value':'v','effect':'NoExecute'}  | true",
      "{'key':'k','value':'other'}                                      | {'key':'k','value':'v','effect':'NoSchedule'} | false",
      "{'key':'k','operator':'Exists'}                                  | {'key':'k','value':'v','effect':'NoSchedule'} | true",
      "{'key':'k','operator':'Exists','effect':'NoExecute'}             | {'key':'k','value':'v','effect':'NoSchedule'} | false",
      "{'operator':'Exists'}                                            | {'key':'any','value':'v','effect':'NoExecute'} | true",
      "{'key':'other','operator':'Exists'}                              | {'key':'k','effect':'NoSchedule'}             | false",
      "{'value':'v'}                                                    | {'key':'k','value':'v','effect':'NoSchedule'} | true",
      "{'key':'k','operator':'Equal'}                                   | {'key':'k','effect':'NoSchedule'}             | true",
      "{'key':'k','operator':'Gt','value':'1'}                          | {'key':'k','value':'2','effect':'NoSchedule'} | false"})
  void tolerationMatchesTaintAsUpstream(String toleration, String taint, boolean expected) {
    assertThat(Tolerations.tolerates(obj(toleration), obj(taint))).isEqualTo(expected);
  }

  static final List<ObjectNode> NODES = List.of(
      node("n1", "a", "'taints':[{'key':'dedicated','value':'db','effect':'NoSchedule'}]"),
      node("n2", "a", "'taints':[{'key':'evict','value':'now','effect':'NoExecute'},{'key':'soft','value':'x','effect':'PreferNoSchedule'}]"),
      node("n3", "b", "'taints':[{'key':'soft','value':'x','effect':'PreferNoSchedule'},{'key':'soft2','effect':'PreferNoSchedule'}]"));

  @Test
  void noScheduleAndNoExecuteKeepPodsOffPreferNoScheduleDoesNot() {
    assertThat(Fixtures.verdicts(NODES, n -> TaintToleration.filter(pod("p", "", ""), n))).isEqualTo(expect(
        "n1=node(s) had untolerated taint {dedicated: db}", "n2=node(s) had untolerated taint {evict: now}", "n3=ok"));
    ObjectNode tolerant = pod("p", "", ",'tolerations':[{'key':'dedicated','operator':'Exists'},{'key':'evict','operator':'Equal','value':'now'}]");
    assertThat(Fixtures.verdicts(NODES, n -> TaintToleration.filter(tolerant, n))).isEqualTo(expect("n1=ok", "n2=ok", "n3=ok"));
  }

  @Test
  void fewerUntoleratedPreferNoScheduleTaintsScoreHigher() {
    assertThat(TaintToleration.score(pod("p", "", ""), NODES)).isEqualTo(Map.of("n1", 100L, "n2", 50L, "n3", 0L));
    ObjectNode tolerant = pod("p", "", ",'tolerations':[{'key':'soft','operator':'Exists','effect':'PreferNoSchedule'}]");
    assertThat(TaintToleration.score(tolerant, NODES)).isEqualTo(Map.of("n1", 100L, "n2", 100L, "n3", 0L));
    ObjectNode noSchedule = pod("p", "", ",'tolerations':[{'operator':'Exists','effect':'NoSchedule'}]");
    assertThat(TaintToleration.score(noSchedule, NODES)).as("a NoSchedule toleration does not tolerate PreferNoSchedule")
        .isEqualTo(Map.of("n1", 100L, "n2", 50L, "n3", 0L));
  }
}
