package dev.ordinal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulingPlannerTest {

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode node(String name, String labels, String extraSpec, String cpu) {
    return obj("{'metadata':{'name':'" + name + "','labels':{" + labels + "}},'spec':{" + extraSpec + "},"
        + "'status':{'allocatable':{'cpu':'" + cpu + "','memory':'4Gi','pods':'110'},'conditions':[{'type':'Ready','status':'True'}]}}");
  }

  static ObjectNode pod(String spec) {
    return obj("{'metadata':{'name':'p','namespace':'d'},'spec':{'containers':[{'name':'c','image':'x'}]" + spec + "}}");
  }

  static SchedulingDecision decide(ObjectNode pod, List<ObjectNode> nodes) {
    return decide(pod, nodes, List.of(), Map.of(), Map.of(), Map.of());
  }

  static SchedulingDecision decide(ObjectNode pod, List<ObjectNode> nodes, List<ObjectNode> pods, Map<String, ObjectNode> claims,
      Map<String, ObjectNode> volumes, Map<String, ObjectNode> classes) {
    Map<String, ObjectNode> reserved = new HashMap<>();
    volumes.values().stream().filter(pv -> pv.path("spec").has("claimRef")).forEach(pv -> reserved.put(
        pv.path("spec").path("claimRef").path("namespace").asText() + "/" + pv.path("spec").path("claimRef").path("name").asText(), pv));
    return SchedulingPlanner.decide(pod, new Cluster(nodes, Cluster.Pods.of(pods, Map.of()),
        new Cluster.Volumes(claims::get, volumes::get, classes::get, reserved::get)));
  }

  @Test
  void bindsToTheOnlyFittingNode() {
    List<ObjectNode> nodes = List.of(node("a", "'disk':'hdd'", "", "2"), node("b", "'disk':'ssd'", "", "2"));
    assertThat(decide(pod(",'nodeSelector':{'disk':'ssd'}"), nodes)).isEqualTo(new SchedulingDecision.Bind("b"));
    String affinity = ",'affinity':{'nodeAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':{'nodeSelectorTerms':["
        + "{'matchExpressions':[{'key':'disk','operator':'In','values':['hdd']}]}]}}}";
    assertThat(decide(pod(affinity), nodes)).isEqualTo(new SchedulingDecision.Bind("a"));
  }

  @Test
  void explainsWhyNothingFits() {
    List<ObjectNode> nodes = List.of(node("a", "'zone':'x'", "'taints':[{'key':'dedicated','value':'db','effect':'NoSchedule'}]", "2"),
        node("b", "", "'unschedulable':true", "2"), node("c", "", "", "2"));
    SchedulingDecision d = decide(pod(",'nodeSelector':{'zone':'x'}"), nodes);
    assertThat(d).isEqualTo(new SchedulingDecision.Unschedulable("0/3 nodes are available: 1 node(s) didn't match Pod's node "
        + "affinity/selector, 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) were unschedulable."));
    String toleration = ",'tolerations':[{'key':'dedicated','operator':'Equal','value':'db','effect':'NoSchedule'}]";
    assertThat(decide(pod(toleration), nodes.subList(0, 1))).isEqualTo(new SchedulingDecision.Bind("a"));
    String cordonTolerated = ",'tolerations':[{'key':'node.kubernetes.io/unschedulable','operator':'Exists','effect':'NoSchedule'}]";
    assertThat(decide(pod(cordonTolerated), nodes.subList(1, 2))).isEqualTo(new SchedulingDecision.Bind("b"));
  }

  @Test
  void requestsMustFitWhatIsLeft() {
    ObjectNode big = pod("");
    ((ObjectNode) big.with("spec").withArray("containers").get(0)).with("resources").with("requests").put("cpu", "1500m");
    ObjectNode running = big.deepCopy();
    running.with("spec").put("nodeName", "a");
    running.with("status").put("phase", "Running");
    assertThat(decide(big, List.of(node("a", "", "", "2")), List.of(running), Map.of(), Map.of(), Map.of()))
        .isEqualTo(new SchedulingDecision.Unschedulable("0/1 nodes are available: 1 Insufficient cpu."));
    running.with("status").put("phase", "Succeeded");
    assertThat(decide(big, List.of(node("a", "", "", "2")), List.of(running), Map.of(), Map.of(), Map.of()))
        .isEqualTo(new SchedulingDecision.Bind("a"));
  }

  @Test
  void volumesPinnedToANodeTakeThePodThere() {
    ObjectNode p = pod(",'volumes':[{'name':'data','persistentVolumeClaim':{'claimName':'data-zk-0'}}]");
    Map<String, ObjectNode> claims = new HashMap<>();
    claims.put("d/data-zk-0", obj("{'metadata':{'name':'data-zk-0','namespace':'d'},'spec':{'volumeName':'pv-b'}}"));
    Map<String, ObjectNode> volumes = Map.of("pv-b", obj("{'metadata':{'name':'pv-b'},'spec':{'nodeAffinity':{'required':{'nodeSelectorTerms':"
        + "[{'matchExpressions':[{'key':'kubernetes.io/hostname','operator':'In','values':['b']}]}]}}}}"));
    List<ObjectNode> nodes = List.of(node("a", "'kubernetes.io/hostname':'a'", "", "2"), node("b", "'kubernetes.io/hostname':'b'", "", "2"));
    assertThat(decide(p, nodes, List.of(), claims, volumes, Map.of())).isEqualTo(new SchedulingDecision.Bind("b"));
  }

  @Test
  void claimsWaitingForTheirFirstConsumerAreProvisionedFirst() {
    ObjectNode p = pod(",'volumes':[{'name':'www','persistentVolumeClaim':{'claimName':'www-web-0'}}]");
    Map<String, ObjectNode> claims = Map.of("d/www-web-0", obj("{'metadata':{'name':'www-web-0','namespace':'d'},'spec':{'storageClassName':'local-path'}}"));
    Map<String, ObjectNode> wffc = Map.of("local-path", obj("{'metadata':{'name':'local-path'},'volumeBindingMode':'WaitForFirstConsumer'}"));
    assertThat(decide(p, List.of(node("a", "", "", "2")), List.of(), claims, Map.of(), wffc))
        .isEqualTo(new SchedulingDecision.ProvisionFirst("a", List.of("www-web-0")));
    Map<String, ObjectNode> immediate = Map.of("local-path", obj("{'metadata':{'name':'local-path'},'volumeBindingMode':'Immediate'}"));
    assertThat(decide(p, List.of(node("a", "", "", "2")), List.of(), claims, Map.of(), immediate))
        .isEqualTo(new SchedulingDecision.Unschedulable("0/1 nodes are available: 1 pod has unbound immediate PersistentVolumeClaims."));
    assertThat(decide(p, List.of(node("a", "", "", "2")))).isEqualTo(new SchedulingDecision.Unschedulable("persistentvolumeclaim \"www-web-0\" not found"));
  }

  @Test
  void theLeastAllocatedNodeWins() {
    ObjectNode busy = pod("");
    busy.with("spec").put("nodeName", "a");
    ((ObjectNode) busy.with("spec").withArray("containers").get(0)).with("resources").with("requests").put("cpu", "1");
    assertThat(decide(pod(""), List.of(node("a", "", "", "2"), node("b", "", "", "2")), List.of(busy), Map.of(), Map.of(), Map.of()))
        .isEqualTo(new SchedulingDecision.Bind("b"));
  }

  @Test
  void aVolumeReservedForAnUnboundClaimTakesThePodToItsNode() {
    // seed 000: PVs made by hand, each reserved for one member's claim and pinned to a node
    ObjectNode p = pod(",'volumes':[{'name':'data','persistentVolumeClaim':{'claimName':'data-zk-1'}}]");
    Map<String, ObjectNode> claims = Map.of("d/data-zk-1", obj("{'metadata':{'name':'data-zk-1','namespace':'d','uid':'u1'},"
        + "'spec':{'storageClassName':'local-path'}}"));
    Map<String, ObjectNode> classes = Map.of("local-path", obj("{'metadata':{'name':'local-path'},'volumeBindingMode':'WaitForFirstConsumer'}"));
    Map<String, ObjectNode> volumes = new HashMap<>(Map.of("pv-zk-1", obj("{'metadata':{'name':'pv-zk-1'},'spec':{"
        + "'claimRef':{'namespace':'d','name':'data-zk-1'},'nodeAffinity':{'required':{'nodeSelectorTerms':"
        + "[{'matchExpressions':[{'key':'zk1','operator':'Exists'}]}]}}}}")));
    List<ObjectNode> nodes = List.of(node("a", "'zk0':'yes'", "", "2"), node("b", "'zk1':'yes'", "", "2"));
    assertThat(decide(p, nodes, List.of(), claims, volumes, classes)).isEqualTo(new SchedulingDecision.ProvisionFirst("b", List.of("data-zk-1")));
    assertThat(decide(p, nodes.subList(0, 1), List.of(), claims, volumes, classes))
        .isEqualTo(new SchedulingDecision.Unschedulable("0/1 nodes are available: 1 node(s) had volume node affinity conflict."));
    // reserved for an earlier claim of that name (another uid): not this claim's
    ((ObjectNode) volumes.get("pv-zk-1").with("spec").with("claimRef")).put("uid", "u0");
    assertThat(decide(p, nodes.subList(0, 1), List.of(), claims, volumes, classes)).isEqualTo(new SchedulingDecision.ProvisionFirst("a", List.of("data-zk-1")));
  }
}
