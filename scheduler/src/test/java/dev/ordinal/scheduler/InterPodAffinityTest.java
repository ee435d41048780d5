package dev.ordinal.scheduler;

import static dev.ordinal.scheduler.Fixtures.cluster;
import static dev.ordinal.scheduler.Fixtures.expect;
import static dev.ordinal.scheduler.Fixtures.inNamespace;
import static dev.ordinal.scheduler.Fixtures.node;
import static dev.ordinal.scheduler.Fixtures.on;
import static dev.ordinal.scheduler.Fixtures.pod;
import static dev.ordinal.scheduler.Fixtures.threeNodes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InterPodAffinityTest {
  static final String OK = "ok";
  static final String AFF = InterPodAffinity.AFFINITY;
  static final String ANTI = InterPodAffinity.ANTI_AFFINITY;
  static final String EXISTING = InterPodAffinity.EXISTING_ANTI_AFFINITY;
  static final String HOST = "kubernetes.io/hostname";
  static final String ZONE = "topology.kubernetes.io/zone";

  static String required(String kind, String key, String term) {
    return ",'affinity':{'" + kind + "':{'requiredDuringSchedulingIgnoredDuringExecution':[{'topologyKey':'" + key + "'" + term + "}]}}";
  }

  static String preferred(String kind, int weight, String key, String term) {
    return ",'affinity':{'" + kind + "':{'preferredDuringSchedulingIgnoredDuringExecution':[{'weight':" + weight
        + ",'podAffinityTerm':{'topologyKey':'" + key + "'" + term + "}}]}}";
  }

  static final String WEB = ",'labelSelector':{'matchLabels':{'app':'web'}}";
  static final String DB = ",'labelSelector':{'matchLabels':{'app':'db'}}";
  static final ObjectNode WEB_POD = pod("w0", "'app':'web'", "");
  static final ObjectNode DB_POD = pod("db0", "'app':'db'", "");

  static Stream<Arguments> filterCases() {
    return Stream.of(
        Arguments.of("anti-affinity by hostname keeps off the node with a match",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB)), List.of(on("n1", WEB_POD)),
            expect("n1=" + ANTI, "n2=ok", "n3=ok")),
        Arguments.of("anti-affinity by zone keeps off the whole zone",
            pod("p", "'app':'web'", required("podAntiAffinity", ZONE, WEB)), List.of(on("n1", WEB_POD)),
            expect("n1=" + ANTI, "n2=" + ANTI, "n3=ok")),
        Arguments.of("anti-affinity with no matching pod anywhere: every node",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB)), List.of(on("n1", DB_POD)),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("affinity by zone goes to the zone of a match",
            pod("p", "'app':'web'", required("podAffinity", ZONE, DB)), List.of(on("n3", DB_POD)),
            expect("n1=" + AFF, "n2=" + AFF, "n3=ok")),
        Arguments.of("affinity by zone, match in zone a: both nodes of zone a",
            pod("p", "'app':'web'", required("podAffinity", ZONE, DB)), List.of(on("n2", DB_POD)),
            expect("n1=ok", "n2=ok", "n3=" + AFF)),
        Arguments.of("affinity to a group that does not exist yet, pod matches itself: the first may go anywhere",
            pod("p", "'app':'db'", required("podAffinity", ZONE, DB)), List.of(),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("affinity to pods that do not exist, pod does not match itself: nowhere",
            pod("p", "'app':'web'", required("podAffinity", ZONE, DB)), List.of(on("n1", WEB_POD)),
            expect("n1=" + AFF, "n2=" + AFF, "n3=" + AFF)),
        Arguments.of("symmetry: an existing pod's required anti-affinity by zone refuses the incoming pod",
            pod("p", "'app':'web'", ""), List.of(on("n2", pod("guard", "'app':'db'", required("podAntiAffinity", ZONE, WEB)))),
            expect("n1=" + EXISTING, "n2=" + EXISTING, "n3=ok")),
        Arguments.of("symmetry by hostname",
            pod("p", "'app':'web'", ""), List.of(on("n3", pod("guard", "'app':'db'", required("podAntiAffinity", HOST, WEB)))),
            expect("n1=ok", "n2=ok", "n3=" + EXISTING)),
        Arguments.of("terms look in the pod's own namespace by default",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB)), List.of(on("n1", inNamespace("other", WEB_POD.deepCopy()))),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("namespaces name the namespaces to look in",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB + ",'namespaces':['other']")),
            List.of(on("n1", inNamespace("other", WEB_POD.deepCopy())), on("n2", WEB_POD)),
            expect("n1=" + ANTI, "n2=ok", "n3=ok")),
        Arguments.of("namespaceSelector selects namespaces by their labels",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB + ",'namespaceSelector':{'matchLabels':{'team':'x'}}")),
            List.of(on("n1", inNamespace("other", WEB_POD.deepCopy())), on("n2", inNamespace("third", WEB_POD.deepCopy()))),
            expect("n1=" + ANTI, "n2=ok", "n3=ok")),
        Arguments.of("an empty namespaceSelector selects every namespace",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB + ",'namespaceSelector':{}")),
            List.of(on("n1", inNamespace("other", WEB_POD.deepCopy())), on("n3", inNamespace("third", WEB_POD.deepCopy()))),
            expect("n1=" + ANTI, "n2=ok", "n3=" + ANTI)),
        Arguments.of("matchLabelKeys: only pods with the incoming pod's value of the key",
            pod("p", "'app':'web','rev':'2'", required("podAntiAffinity", HOST, WEB + ",'matchLabelKeys':['rev']")),
            List.of(on("n1", pod("old", "'app':'web','rev':'1'", "")), on("n2", pod("new", "'app':'web','rev':'2'", ""))),
            expect("n1=ok", "n2=" + ANTI, "n3=ok")),
        Arguments.of("mismatchLabelKeys: only pods with another value of the key",
            pod("p", "'app':'web','tenant':'t1'", required("podAntiAffinity", HOST, WEB + ",'mismatchLabelKeys':['tenant']")),
            List.of(on("n1", pod("a", "'app':'web','tenant':'t1'", "")), on("n2", pod("b", "'app':'web','tenant':'t2'", ""))),
            expect("n1=ok", "n2=" + ANTI, "n3=ok")),
        Arguments.of("a term without labelSelector matches no pod",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, "")), List.of(on("n1", WEB_POD)),
            expect("n1=ok", "n2=ok", "n3=ok")),
        Arguments.of("finished pods do not count",
            pod("p", "'app':'web'", required("podAntiAffinity", HOST, WEB)), List.of(finished(on("n1", WEB_POD))),
            expect("n1=ok", "n2=ok", "n3=ok")));
  }

  static ObjectNode finished(ObjectNode p) {
    p.with("status").put("phase", "Succeeded");
    return p;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, ObjectNode incoming, List<ObjectNode> placed, Map<String, String> expected) {
    List<ObjectNode> nodes = threeNodes();
    InterPodAffinity plugin = new InterPodAffinity(incoming, cluster(nodes, placed, Map.of("other", Map.of("team", "x"))));
    assertThat(Fixtures.verdicts(nodes, plugin::filter)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void aNodeWithoutTheTopologyKeyOfAnAffinityTermIsRefused() {
    List<ObjectNode> nodes = List.of(node("n1", "a", ""), node("n2", null, ""), node("n3", "b", ""));
    ObjectNode incoming = pod("p", "'app':'db'", required("podAffinity", ZONE, DB));
    InterPodAffinity plugin = new InterPodAffinity(incoming, cluster(nodes, List.of(on("n2", DB_POD), on("n3", DB_POD))));
    assertThat(Fixtures.verdicts(nodes, plugin::filter)).isEqualTo(expect("n1=" + AFF, "n2=" + AFF, "n3=ok"));
  }

  static Stream<Arguments> scoreCases() {
    return Stream.of(
        Arguments.of("preferred anti-affinity by hostname: away from the match",
            pod("p", "'app':'web'", preferred("podAntiAffinity", 100, HOST, WEB)), List.of(on("n1", WEB_POD)),
            Map.of("n1", 0L, "n2", 100L, "n3", 100L)),
        Arguments.of("preferred affinity by zone: towards the match's zone",
            pod("p", "'app':'web'", preferred("podAffinity", 50, ZONE, DB)), List.of(on("n3", DB_POD)),
            Map.of("n1", 0L, "n2", 0L, "n3", 100L)),
        Arguments.of("an existing pod's preferred affinity for the incoming pod pulls it near",
            pod("p", "'app':'web'", ""), List.of(on("n2", pod("fan", "'app':'db'", preferred("podAffinity", 10, HOST, WEB)))),
            Map.of("n1", 0L, "n2", 100L, "n3", 0L)),
        Arguments.of("an existing pod's required affinity for the incoming pod counts too (hard weight 1)",
            pod("p", "'app':'web'", ""), List.of(on("n3", pod("fan", "'app':'db'", required("podAffinity", ZONE, WEB)))),
            Map.of("n1", 0L, "n2", 0L, "n3", 100L)),
        Arguments.of("nothing preferred: every node 0",
            pod("p", "'app':'web'", ""), List.of(on("n1", WEB_POD)),
            Map.of("n1", 0L, "n2", 0L, "n3", 0L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scoreCases")
  void score(String name, ObjectNode incoming, List<ObjectNode> placed, Map<String, Long> expected) {
    List<ObjectNode> nodes = threeNodes();
    assertThat(new InterPodAffinity(incoming, cluster(nodes, placed)).score(nodes)).isEqualTo(expected);
  }
}
