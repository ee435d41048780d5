package dev.ordinal.scheduler;

import static dev.ordinal.scheduler.Fixtures.cluster;
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

/** Whole decisions (all filters and scores) on several nodes, and upstream's FailedScheduling wording. */
class DecisionsOnSeveralNodesTest {
  static final String ANTI_HOST = ",'affinity':{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
      + "[{'topologyKey':'kubernetes.io/hostname','labelSelector':{'matchLabels':{'app':'web'}}}]}}";
  static final String SPREAD_ZONE = ",'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':'topology.kubernetes.io/zone',"
      + "'whenUnsatisfiable':'DoNotSchedule','labelSelector':{'matchLabels':{'app':'web'}}}]";

  static SchedulingDecision decide(ObjectNode p, List<ObjectNode> nodes, List<ObjectNode> placed) {
    return SchedulingPlanner.decide(p, cluster(nodes, placed));
  }

  static Stream<Arguments> cases() {
    ObjectNode web = pod("w", "'app':'web'", "");
    List<ObjectNode> tainted = List.of(node("n1", "a", ""), node("n2", "a", ""),
        node("n3", "b", "'taints':[{'key':'key','value':'value','effect':'NoSchedule'}]"));
    return Stream.of(
        Arguments.of("one node, a replica already there: upstream's anti-affinity message",
            pod("p", "'app':'web'", ANTI_HOST), List.of(node("n1", "a", "")), List.of(on("n1", web)),
            new SchedulingDecision.Unschedulable("0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.")),
        Arguments.of("three nodes, two taken: the third",
            pod("p", "'app':'web'", ANTI_HOST), threeNodes(), List.of(on("n1", web), on("n3", web)),
            new SchedulingDecision.Bind("n2")),
        Arguments.of("reasons counted and sorted as \"count reason\" strings",
            pod("p", "'app':'web'", SPREAD_ZONE), tainted, List.of(on("n1", web), on("n2", web)),
            new SchedulingDecision.Unschedulable("0/3 nodes are available: 1 node(s) had untolerated taint {key: value}, "
                + "2 node(s) didn't match pod topology spread constraints.")),
        Arguments.of("a node's first failing filter is its reason (taints before affinity)",
            pod("p", "'app':'web'", ANTI_HOST), tainted, List.of(on("n1", web), on("n2", web), on("n3", web)),
            new SchedulingDecision.Unschedulable("0/3 nodes are available: 1 node(s) had untolerated taint {key: value}, "
                + "2 node(s) didn't match pod anti-affinity rules.")),
        Arguments.of("the zone spread picks zone b",
            pod("p", "'app':'web'", SPREAD_ZONE), threeNodes(), List.of(on("n1", web)),
            new SchedulingDecision.Bind("n3")),
        Arguments.of("preferred node affinity outweighs free room",
            pod("p", "", ",'affinity':{'nodeAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':1,"
                + "'preference':{'matchExpressions':[{'key':'kubernetes.io/hostname','operator':'In','values':['n1']}]}}]}}"),
            threeNodes(), List.of(on("n1", web), on("n1", pod("w2", "'app':'web'", ""))),
            new SchedulingDecision.Bind("n1")),
        Arguments.of("PreferNoSchedule steers away",
            pod("p", "", ""), List.of(node("n1", "a", "'taints':[{'key':'soft','effect':'PreferNoSchedule'}]"),
                node("n2", "a", "'taints':[{'key':'soft','effect':'PreferNoSchedule'}]"), node("n3", "b", "")),
            List.of(on("n3", web), on("n3", pod("w2", "'app':'web'", ""))),
            new SchedulingDecision.Bind("n3")),
        Arguments.of("preferred anti-affinity spreads",
            pod("p", "'app':'web'", ",'affinity':{'podAntiAffinity':{'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':100,"
                + "'podAffinityTerm':{'topologyKey':'topology.kubernetes.io/zone','labelSelector':{'matchLabels':{'app':'web'}}}}]}}"),
            threeNodes(), List.of(on("n3", web)),
            new SchedulingDecision.Bind("n1")),
        Arguments.of("no nodes at all",
            pod("p", "", ""), List.of(), List.of(),
            new SchedulingDecision.Unschedulable("no nodes available to schedule pods")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, ObjectNode p, List<ObjectNode> nodes, List<ObjectNode> placed, SchedulingDecision expected) {
    assertThat(decide(p, nodes, placed)).isEqualTo(expected);
  }

  @Test
  void theFitErrorSortsTheWholeEntriesAsStrings() {
    assertThat(SchedulingPlanner.fitError(12, Map.of("node(s) were unschedulable", 10, "Insufficient cpu", 2)))
        .as("\"10 …\" sorts before \"2 …\" as upstream's sort.Strings does")
        .isEqualTo("0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu.");
  }
}
