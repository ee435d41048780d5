package dev.ordinal.scheduler;

import static dev.ordinal.scheduler.Fixtures.cluster;
import static dev.ordinal.scheduler.Fixtures.expect;
import static dev.ordinal.scheduler.Fixtures.node;
import static dev.ordinal.scheduler.Fixtures.on;
import static dev.ordinal.scheduler.Fixtures.pod;
import static dev.ordinal.scheduler.Fixtures.threeNodes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodTopologySpreadTest {
  static final String NO = PodTopologySpread.REASON;
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String HOST = "kubernetes.io/hostname";
  static final String WEB = "'labelSelector':{'matchLabels':{'app':'web'}}";

  static String spread(String key, int maxSkew, String extra) {
    return ",'topologySpreadConstraints':[{'maxSkew':" + maxSkew + ",'topologyKey':'" + key + "','whenUnsatisfiable':'DoNotSchedule',"
        + WEB + extra + "}]";
  }

  static ObjectNode web(String name) {
    return pod(name, "'app':'web'", "");
  }

  static Stream<Arguments> filterCases() {
    return Stream.of(
        Arguments.of("zone a has two, zone b none: only zone b keeps the skew within 1",
            pod("p", "'app':'web'", spread(ZONE, 1, "")), List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=" + NO, "n2=" + NO, "n3=ok")),
        Arguments.of("by hostname: the empty node",
            pod("p", "'app':'web'", spread(HOST, 1, "")), List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=" + NO, "n2=" + NO, "n3=ok")),
        Arguments.of("maxSkew 2 lets a second pod into a node",
            pod("p", "'app':'web'", spread(HOST, 2, "")), List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("one per zone: balanced, every node fits",
            pod("p", "'app':'web'", spread(ZONE, 1, "")), List.of(on("n1", web("w1")), on("n3", web("w3"))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("minDomains above the zones there are: the fewest counts as 0",
            pod("p", "'app':'web'", spread(ZONE, 1, ",'minDomains':3")), List.of(on("n1", web("w1")), on("n3", web("w3"))),
            expect("n1=" + NO, "n2=" + NO, "n3=" + NO)),
        Arguments.of("a pod that does not match its own selector adds nothing",
            pod("p", "'app':'other'", spread(ZONE, 1, "")), List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=" + NO, "n2=" + NO, "n3=ok")),
        Arguments.of("pods of other apps do not count",
            pod("p", "'app':'web'", spread(ZONE, 1, "")), List.of(on("n1", pod("x", "'app':'db'", "")), on("n2", pod("y", "'app':'db'", ""))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("pods being deleted do not count",
            pod("p", "'app':'web'", spread(ZONE, 1, "")), List.of(deleting(on("n1", web("w1"))), deleting(on("n2", web("w2")))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("matchLabelKeys: only pods of the same revision count",
            pod("p", "'app':'web','rev':'2'", spread(ZONE, 1, ",'matchLabelKeys':['rev']")),
            List.of(on("n1", pod("w1", "'app':'web','rev':'1'", "")), on("n2", pod("w2", "'app':'web','rev':'1'", ""))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("nodeAffinityPolicy Honor (default): zones the pod may not go to are not domains (NodeAffinity refuses n3)",
            pod("p", "'app':'web'", ",'nodeSelector':{'topology.kubernetes.io/zone':'a'}" + spread(ZONE, 1, "")),
            List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("nodeAffinityPolicy Ignore: they are",
            pod("p", "'app':'web'", ",'nodeSelector':{'topology.kubernetes.io/zone':'a'}" + spread(ZONE, 1, ",'nodeAffinityPolicy':'Ignore'")),
            List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=" + NO, "n2=" + NO, "n3=ok")),
        Arguments.of("ScheduleAnyway never refuses",
            pod("p", "'app':'web'", spread(ZONE, 1, "").replace("DoNotSchedule", "ScheduleAnyway")),
            List.of(on("n1", web("w1")), on("n2", web("w2"))),
            expect("n1=ok", "n2=ok", "n3=ok")));
  }

  static ObjectNode deleting(ObjectNode p) {
    p.with("metadata").put("deletionTimestamp", "2025-01-01T00:00:00Z");
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, ObjectNode incoming, List<ObjectNode> placed, Map<String, String> expected) {
    List<ObjectNode> nodes = threeNodes();
    PodTopologySpread plugin = new PodTopologySpread(incoming, cluster(nodes, placed));
    assertThat(Fixtures.verdicts(nodes, plugin::filter)).isEqualTo(expected);
  }

  @Test
  void nodeTaintsPolicyHonorLeavesTaintedNodesOutOfTheDomains() {
    List<ObjectNode> nodes = List.of(node("n1", "a", ""), node("n2", "a", ""),
        node("n3", "b", "'taints':[{'key':'gpu','value':'yes','effect':'NoSchedule'}]"));
    List<ObjectNode> placed = List.of(on("n1", web("w1")), on("n2", web("w2")));
    PodTopologySpread ignore = new PodTopologySpread(pod("p", "'app':'web'", spread(ZONE, 1, "")), cluster(nodes, placed));
    assertThat(ignore.filter(nodes.get(0))).as("default Ignore: zone b (0) is the minimum").isEqualTo(NO);
    PodTopologySpread honor = new PodTopologySpread(pod("p", "'app':'web'", spread(ZONE, 1, ",'nodeTaintsPolicy':'Honor'")),
        cluster(nodes, placed));
    assertThat(honor.filter(nodes.get(0))).as("Honor: zone b is no domain").isNull();
  }

  @Test
  void aNodeWithoutTheTopologyKeyIsRefused() {
    List<ObjectNode> nodes = List.of(node("n1", "a", ""), node("n2", null, ""), node("n3", "b", ""));
    PodTopologySpread plugin = new PodTopologySpread(pod("p", "'app':'web'", spread(ZONE, 1, "")), cluster(nodes, List.of()));
    assertThat(Fixtures.verdicts(nodes, plugin::filter))
        .isEqualTo(expect("n1=ok", "n2=" + PodTopologySpread.MISSING_LABEL, "n3=ok"));
  }

  @Test
  void scheduleAnywayScoresTheEmptierDomainsHigher() {
    List<ObjectNode> nodes = threeNodes();
    String soft = spread(ZONE, 1, "").replace("DoNotSchedule", "ScheduleAnyway");
    Map<String, Long> scores = new PodTopologySpread(pod("p", "'app':'web'", soft),
        cluster(nodes, List.of(on("n1", web("w1")), on("n2", web("w2"))))).score(nodes);
    assertThat(scores.get("n3")).isEqualTo(100L);
    assertThat(scores.get("n1")).isEqualTo(scores.get("n2")).isLessThan(scores.get("n3"));
    String byHost = spread(HOST, 1, "").replace("DoNotSchedule", "ScheduleAnyway");
    Map<String, Long> hostScores = new PodTopologySpread(pod("p", "'app':'web'", byHost),
        cluster(nodes, List.of(on("n1", web("w1")), on("n1", web("w2")), on("n2", web("w3"))))).score(nodes);
    assertThat(hostScores.get("n3")).isGreaterThan(hostScores.get("n2"));
    assertThat(hostScores.get("n2")).isGreaterThan(hostScores.get("n1"));
    assertThat(new PodTopologySpread(pod("p", "'app':'web'", ""), cluster(nodes, List.of())).score(nodes)).isEmpty();
  }
}
