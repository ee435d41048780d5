package dev.ordinal.scheduler.daemonset;

import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.NOW;
import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.ROLLING;
import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.THREE;
import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.ds;
import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.obj;
import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonPodsAndStatusTest {

  @Test
  void newPodIsPinnedToItsNodeByAffinityWithTheDaemonTolerationsAndLabels() {
    ObjectNode ds = ds(",'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':"
        + "[{'matchExpressions':[{'key':'disk','operator':'In','values':['ssd']}]}]}}},"
        + "'tolerations':[{'key':'node.kubernetes.io/not-ready','operator':'Exists','effect':'NoExecute','tolerationSeconds':5}]", ROLLING);
    ObjectNode pod = DaemonPods.newPod(ds, "h1", "node-a");
    assertThat(pod.path("metadata").path("generateName").asText()).isEqualTo("ds-");
    assertThat(pod.path("metadata").path("labels")).isEqualTo(obj("{'app':'x','pod-template-generation':'2','controller-revision-hash':'h1'}"));
    assertThat(pod.path("spec").path("affinity")).isEqualTo(obj("{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
        + "{'nodeSelectorTerms':[{'matchFields':[{'key':'metadata.name','operator':'In','values':['node-a']}]}]}}}"));
    List<String> tolerations = new ArrayList<>();
    pod.path("spec").path("tolerations").forEach(t -> tolerations.add(t.path("key").asText() + ":" + t.path("effect").asText()
        + (t.has("tolerationSeconds") ? ":" + t.path("tolerationSeconds").asInt() : "")));
    assertThat(tolerations).containsExactly("node.kubernetes.io/not-ready:NoExecute", "node.kubernetes.io/unreachable:NoExecute",
        "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/memory-pressure:NoSchedule",
        "node.kubernetes.io/pid-pressure:NoSchedule", "node.kubernetes.io/unschedulable:NoSchedule");
    assertThat(DaemonPods.targetNode(pod)).isEqualTo("node-a");
    assertThat(pod.path("metadata").path("ownerReferences").get(0).path("kind").asText()).isEqualTo("DaemonSet");
  }

  @Test
  void hostNetworkPodsTolerateAnUnavailableNetwork() {
    ObjectNode pod = DaemonPods.newPod(ds(",'hostNetwork':true", ROLLING), "h1", "a");
    assertThat(pod.path("spec").path("tolerations").toString()).contains("node.kubernetes.io/network-unavailable");
  }

  @Test
  void statusCountsPerNode() {
    ObjectNode ds = ds(",'nodeSelector':{'disk':'ssd'}", ROLLING);
    // a: ready, up to date; b: not selected but has a pod; c: an old pod, not ready
    List<ObjectNode> pods = List.of(pod("pa", "a", "new", "ready", 1), pod("pb", "b", "new", "ready", 1),
        pod("pc", "c", "old", "notready", 1), pod("gone", "c", "new", "deleting", 0));
    ObjectNode s = DaemonSetStatus.compute(ds, THREE, pods, "new", NOW);
    assertThat(s.toString()).isEqualTo(obj("{'currentNumberScheduled':2,'numberMisscheduled':1,'desiredNumberScheduled':2,'numberReady':1,"
        + "'observedGeneration':2,'updatedNumberScheduled':1,'numberAvailable':1,'numberUnavailable':1}").toString());
  }
}
