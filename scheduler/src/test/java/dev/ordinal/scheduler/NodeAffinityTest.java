package dev.ordinal.scheduler;

import static dev.ordinal.scheduler.Fixtures.expect;
import static dev.ordinal.scheduler.Fixtures.node;
import static dev.ordinal.scheduler.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAffinityTest {
  static final List<ObjectNode> NODES = List.of(node("n1", "a", ""), node("n2", "a", ""), node("n3", "b", ""));

  static String preferred(String terms) {
    return ",'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[" + terms + "]}}";
  }

  static String term(int weight, String key, String op, String value) {
    return "{'weight':" + weight + ",'preference':{'matchExpressions':[{'key':'" + key + "','operator':'" + op + "','values':['" + value + "']}]}}";
  }

  @Test
  void preferredTermsAddTheirWeightsScaledToTheBest() {
    ObjectNode p = pod("p", "", preferred(term(20, "topology.kubernetes.io/zone", "In", "b") + ","
        + term(80, "kubernetes.io/hostname", "In", "n2")));
    assertThat(NodeAffinity.score(p, NODES)).isEqualTo(Map.of("n1", 0L, "n2", 100L, "n3", 25L));
    ObjectNode both = pod("p", "", preferred(term(20, "topology.kubernetes.io/zone", "In", "a") + ","
        + term(80, "kubernetes.io/hostname", "In", "n2")));
    assertThat(NodeAffinity.score(both, NODES)).isEqualTo(Map.of("n1", 20L, "n2", 100L, "n3", 0L));
    assertThat(NodeAffinity.score(pod("p", "", ""), NODES)).isEqualTo(Map.of("n1", 0L, "n2", 0L, "n3", 0L));
    ObjectNode empty = pod("p", "", preferred("{'weight':50,'preference':{}}"));
    assertThat(NodeAffinity.score(empty, NODES)).as("an empty preference matches nothing").isEqualTo(Map.of("n1", 0L, "n2", 0L, "n3", 0L));
  }

  @Test
  void requiredAffinityAndSelectorFilter() {
    ObjectNode p = pod("p", "", ",'nodeSelector':{'topology.kubernetes.io/zone':'a'},'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
        + "{'nodeSelectorTerms':[{'matchExpressions':[{'key':'kubernetes.io/hostname','operator':'NotIn','values':['n1']}]}]}}}");
    assertThat(Fixtures.verdicts(NODES, n -> NodeAffinity.filter(p, n))).isEqualTo(expect(
        "n1=" + NodeAffinity.REASON, "n2=ok", "n3=" + NodeAffinity.REASON));
  }
}
