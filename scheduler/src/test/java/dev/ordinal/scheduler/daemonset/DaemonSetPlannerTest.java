package dev.ordinal.scheduler.daemonset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which nodes get a daemon pod and which pods go, on several nodes: a table of cases. */
class DaemonSetPlannerTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");
  static final String HASH = "new";

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode node(String name, String labels, String spec) {
    return obj("{'metadata':{'name':'" + name + "','labels':{" + labels + "}},'spec':{" + spec + "}}");
  }

  /** A DaemonSet; templateSpec is added to the pod template's spec, strategy replaces updateStrategy. */
  static ObjectNode ds(String templateSpec, String strategy) {
    return obj("{'apiVersion':'apps/v1','kind':'DaemonSet','metadata':{'name':'ds','namespace':'d','uid':'u1','generation':2,"
        + "'annotations':{'deprecated.daemonset.template.generation':'2'}},"
        + "'spec':{'selector':{'matchLabels':{'app':'x'}},'updateStrategy':" + strategy + ","
        + "'template':{'metadata':{'labels':{'app':'x'}},'spec':{'containers':[{'name':'c','image':'i'}]" + templateSpec + "}}}}");
  }

  static final String ROLLING = "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':1,'maxSurge':0}}";
  static final String SURGE = "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':0,'maxSurge':1}}";
  static final String ON_DELETE = "{'type':'OnDelete'}";

  /** A pod named name on node at revision hash; state is ready, notready, failed, deleting or pending (unbound). */
  static ObjectNode pod(String name, String node, String hash, String state, int createdMinute) {
    String created = "2026-01-01T00:0" + createdMinute + ":00Z";
    String meta = "'name':'" + name + "','namespace':'d','creationTimestamp':'" + created + "',"
        + "'labels':{'app':'x','controller-revision-hash':'" + hash + "'},"
        + "'ownerReferences':[{'apiVersion':'apps/v1','kind':'DaemonSet','name':'ds','uid':'u1','controller':true}]"
        + (state.equals("deleting") ? ",'deletionTimestamp':'" + created + "'" : "");
    String affinity = "'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':"
        + "[{'matchFields':[{'key':'metadata.name','operator':'In','values':['" + node + "']}]}]}}}";
    String spec = state.equals("pending") ? affinity : affinity + ",'nodeName':'" + node + "'";
    String phase = switch (state) {
      case "failed" -> "Failed";
      case "pending" -> "Pending";
      default -> "Running";
    };
    String ready = state.equals("ready") ? "True" : "False";
    return obj("{'metadata':{" + meta + "},'spec':{" + spec + "},'status':{'phase':'" + phase + "','conditions':[{'type':'Ready','status':'"
        + ready + "','lastTransitionTime':'2026-01-01T00:00:00Z'}]}}");
  }

  static final List<ObjectNode> THREE = List.of(node("a", "'disk':'ssd'", ""), node("b", "'disk':'hdd'", ""), node("c", "'disk':'ssd'", ""));

  static Stream<Arguments> cases() {
    String affinitySsd = ",'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':"
        + "[{'matchExpressions':[{'key':'disk','operator':'In','values':['ssd']}]}]}}}";
    List<ObjectNode> tainted = List.of(node("a", "", ""), node("b", "", "'taints':[{'key':'dedicated','value':'db','effect':'NoSchedule'}]"),
        node("c", "", "'taints':[{'key':'dedicated','value':'db','effect':'NoExecute'}]"));
    List<ObjectNode> conditions = List.of(node("a", "", "'taints':[{'key':'node.kubernetes.io/not-ready','effect':'NoExecute'}]"),
        node("b", "", "'unschedulable':true,'taints':[{'key':'node.kubernetes.io/unschedulable','effect':'NoSchedule'}]"),
        node("c", "", "'taints':[{'key':'node.kubernetes.io/network-unavailable','effect':'NoSchedule'}]"));
    return Stream.of(
        Arguments.of("one pod on every node", ds("", ROLLING), THREE, List.of(), List.of("a", "b", "c"), List.of()),
        Arguments.of("nodeSelector picks the ssd nodes", ds(",'nodeSelector':{'disk':'ssd'}", ROLLING), THREE, List.of(),
            List.of("a", "c"), List.of()),
        Arguments.of("required node affinity picks the ssd nodes", ds(affinitySsd, ROLLING), THREE, List.of(), List.of("a", "c"), List.of()),
        Arguments.of("a node no longer selected loses its pod", ds(",'nodeSelector':{'disk':'ssd'}", ROLLING), THREE,
            List.of(pod("pa", "a", HASH, "ready", 1), pod("pb", "b", HASH, "ready", 1)), List.of("c"), List.of("pb")),
        Arguments.of("untolerated NoSchedule: no new pod, NoExecute: no pod at all", ds("", ROLLING), tainted, List.of(), List.of("a"), List.of()),
        Arguments.of("untolerated NoSchedule keeps a running pod, NoExecute evicts it", ds("", ROLLING), tainted,
            List.of(pod("pa", "a", HASH, "ready", 1), pod("pb", "b", HASH, "ready", 1), pod("pc", "c", HASH, "ready", 1)),
            List.of(), List.of("pc")),
        Arguments.of("a toleration lets the pod on", ds(",'tolerations':[{'key':'dedicated','operator':'Exists'}]", ROLLING), tainted,
            List.of(), List.of("a", "b", "c"), List.of()),
        Arguments.of("daemon tolerations: not-ready, unschedulable; network-unavailable only for hostNetwork", ds("", ROLLING), conditions,
            List.of(), List.of("a", "b"), List.of()),
        Arguments.of("hostNetwork tolerates network-unavailable", ds(",'hostNetwork':true", ROLLING), conditions, List.of(),
            List.of("a", "b", "c"), List.of()),
        Arguments.of("a pending pod counts for its node", ds("", ROLLING), THREE,
            List.of(pod("pa", "a", HASH, "pending", 1)), List.of("b", "c"), List.of()),
        Arguments.of("two pods on a node: the newer goes", ds("", ROLLING), THREE.subList(0, 1),
            List.of(pod("p1", "a", HASH, "ready", 1), pod("p2", "a", HASH, "ready", 2)), List.of(), List.of("p2")),
        Arguments.of("a failed pod is deleted, and replaced on a later pass", ds("", ROLLING), THREE.subList(0, 1),
            List.of(pod("p1", "a", HASH, "failed", 1)), List.of(), List.of("p1")),
        Arguments.of("a terminating pod: wait, no new pod yet", ds("", ROLLING), THREE.subList(0, 1),
            List.of(pod("p1", "a", HASH, "deleting", 1)), List.of(), List.of()),
        Arguments.of("a pod for a node that is gone is deleted", ds("", ROLLING), THREE.subList(0, 1),
            List.of(pod("pa", "a", HASH, "ready", 1), pod("px", "x", HASH, "pending", 1)), List.of(), List.of("px")),
        Arguments.of("rolling update, maxUnavailable 1: one old pod at a time", ds("", ROLLING), THREE,
            List.of(pod("pa", "a", "old", "ready", 1), pod("pb", "b", "old", "ready", 1), pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of("pa")),
        Arguments.of("rolling update waits while a new pod is not ready", ds("", ROLLING), THREE,
            List.of(pod("pa", "a", HASH, "notready", 1), pod("pb", "b", "old", "ready", 1), pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of()),
        Arguments.of("rolling update goes on once the new pod is ready", ds("", ROLLING), THREE,
            List.of(pod("pa", "a", HASH, "ready", 1), pod("pb", "b", "old", "ready", 1), pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of("pb")),
        Arguments.of("unready old pods are replaced beyond maxUnavailable", ds("", ROLLING), THREE,
            List.of(pod("pa", "a", "old", "notready", 1), pod("pb", "b", "old", "notready", 1), pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of("pa", "pb")),
        Arguments.of("maxUnavailable 100% replaces all at once",
            ds("", "{'type':'RollingUpdate','rollingUpdate':{'maxUnavailable':'100%','maxSurge':0}}"), THREE,
            List.of(pod("pa", "a", "old", "ready", 1), pod("pb", "b", "old", "ready", 1), pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of("pa", "pb", "pc")),
        Arguments.of("a pod at the current template generation is up to date", ds("", ROLLING), THREE.subList(0, 1),
            List.of(withGeneration(pod("pa", "a", "old", "ready", 1), "2")), List.of(), List.of()),
        Arguments.of("surge: a new pod beside one old one first", ds("", SURGE), THREE,
            List.of(pod("pa", "a", "old", "ready", 1), pod("pb", "b", "old", "ready", 1), pod("pc", "c", "old", "ready", 1)),
            List.of("a"), List.of()),
        Arguments.of("surge: the old pod stays until the new is available", ds("", SURGE), THREE,
            List.of(pod("pa", "a", "old", "ready", 1), pod("na", "a", HASH, "notready", 2), pod("pb", "b", "old", "ready", 1),
                pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of()),
        Arguments.of("surge: then the old pod goes", ds("", SURGE), THREE,
            List.of(pod("pa", "a", "old", "ready", 1), pod("na", "a", HASH, "ready", 2), pod("pb", "b", "old", "ready", 1),
                pod("pc", "c", "old", "ready", 1)),
            List.of(), List.of("pa")),
        Arguments.of("OnDelete never replaces old pods", ds("", ON_DELETE), THREE,
            List.of(pod("pa", "a", "old", "ready", 1), pod("pb", "b", "old", "ready", 1)), List.of("c"), List.of()));
  }

  static ObjectNode withGeneration(ObjectNode pod, String generation) {
    ((ObjectNode) pod.path("metadata").path("labels")).put("pod-template-generation", generation);
    return pod;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode ds, List<ObjectNode> nodes, List<ObjectNode> pods, List<String> createOn, List<String> delete) {
    DaemonSetPlanner.Plan plan = DaemonSetPlanner.plan(ds, nodes, pods, HASH, NOW);
    assertThat(plan.createOn()).containsExactlyInAnyOrderElementsOf(createOn);
    List<String> deleted = new ArrayList<>();
    plan.delete().forEach(p -> deleted.add(Meta.name(p)));
    assertThat(deleted).containsExactlyInAnyOrderElementsOf(delete);
  }
}
