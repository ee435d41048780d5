package dev.ordinal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.scheduler.taints.TaintEvictionController;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler and the taint manager against the real in-process API, with three Node objects in two zones. */
class SchedulerIT {
  @TempDir Path dir;
  SqliteStorage storage;
  Registry registry;
  Client client;
  Scheduler scheduler;
  TaintEvictionController taints;

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  @BeforeEach
  void start() throws Exception {
    storage = SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    client.create(Types.NAMESPACES, null, obj("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'d'}}"));
    for (String[] n : new String[][] {{"n1", "a"}, {"n2", "a"}, {"n3", "b"}}) {
      ObjectNode node = client.create(Types.NODES, null, obj("{'apiVersion':'v1','kind':'Node','metadata':{'name':'" + n[0]
          + "','labels':{'kubernetes.io/hostname':'" + n[0] + "','topology.kubernetes.io/zone':'" + n[1] + "'}}}"));
      node.set("status", obj("{'allocatable':{'cpu':'4','memory':'8Gi','pods':'110'},'conditions':[{'type':'Ready','status':'True'}]}"));
      client.updateStatus(Types.NODES, node);
    }
    scheduler = new Scheduler(client);
    scheduler.start();
    taints = new TaintEvictionController(client);
    taints.start();
  }

  @AfterEach
  void stop() {
    taints.close();
    scheduler.close();
    registry.close();
    storage.close();
  }

  ObjectNode createPod(String name, String labels, String spec) {
    return client.create(Types.PODS, "d", obj("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','labels':{" + labels
        + "}},'spec':{'containers':[{'name':'c','image':'x'}]" + spec + "}}"));
  }

  Optional<ObjectNode> pod(String name) {
    return client.find(Types.PODS, "d", name);
  }

  String nodeOf(String name) {
    return pod(name).map(p -> p.path("spec").path("nodeName").asText("")).orElse("");
  }

  static final String ANTI_HOST = ",'affinity':{'podAntiAffinity':{'requiredDuringSchedulingIgnoredDuringExecution':"
      + "[{'topologyKey':'kubernetes.io/hostname','labelSelector':{'matchLabels':{'app':'web'}}}]}}";

  @Test
  void requiredAntiAffinityPutsOneReplicaPerNodeAndLeavesTheFourthPendingWithUpstreamsMessage() {
    for (int i = 0; i < 4; i++) {
      createPod("web-" + i, "'app':'web'", ANTI_HOST);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      int bound = 0;
      for (int i = 0; i < 4; i++) {
        bound += nodeOf("web-" + i).isEmpty() ? 0 : 1;
      }
      return bound == 3;
    });
    Set<String> used = new HashSet<>();
    String pending = null;
    for (int i = 0; i < 4; i++) {
      String node = nodeOf("web-" + i);
      if (node.isEmpty()) {
        pending = "web-" + i;
      } else {
        assertThat(used.add(node)).as("two replicas on " + node).isTrue();
      }
    }
    assertThat(used).containsExactlyInAnyOrder("n1", "n2", "n3");
    String message = "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.";
    String waiting = pending;
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(pod(waiting).orElseThrow(), "PodScheduled")
        .map(c -> c.path("status").asText().equals("False") && c.path("reason").asText().equals("Unschedulable")
            && c.path("message").asText().equals(message)).orElse(false));
    await().atMost(Duration.ofSeconds(10)).until(() -> events(waiting).contains("Warning FailedScheduling " + message));

    // a replica goes: its node is free for the waiting one
    String freed = nodeOf("web-0".equals(waiting) ? "web-1" : "web-0");
    client.delete(Types.PODS, "d", "web-0".equals(waiting) ? "web-1" : "web-0", DeleteOptions.now());
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeOf(waiting).equals(freed));
  }

  @Test
  void zoneSpreadAndSymmetricAntiAffinityAcrossNodes() {
    String spread = ",'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':'topology.kubernetes.io/zone',"
        + "'whenUnsatisfiable':'DoNotSchedule','labelSelector':{'matchLabels':{'app':'spread'}}}]";
    createPod("s-0", "'app':'spread'", spread);
    await().atMost(Duration.ofSeconds(10)).until(() -> !nodeOf("s-0").isEmpty());
    createPod("s-1", "'app':'spread'", spread);
    await().atMost(Duration.ofSeconds(10)).until(() -> !nodeOf("s-1").isEmpty());
    assertThat(zone(nodeOf("s-0"))).isNotEqualTo(zone(nodeOf("s-1")));

    // a guard on n3 refuses app=intruder in its zone (b): intruders go to zone a only
    createPod("guard", "'app':'guard'", ",'nodeSelector':{'kubernetes.io/hostname':'n3'},'affinity':{'podAntiAffinity':{"
        + "'requiredDuringSchedulingIgnoredDuringExecution':[{'topologyKey':'topology.kubernetes.io/zone',"
        + "'labelSelector':{'matchLabels':{'app':'intruder'}}}]}}");
    await().atMost(Duration.ofSeconds(10)).until(() -> nodeOf("guard").equals("n3"));
    createPod("intruder", "'app':'intruder'", ",'nodeSelector':{'topology.kubernetes.io/zone':'b'}");
    String message = "0/3 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, "
        + "2 node(s) didn't match Pod's node affinity/selector.";
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(pod("intruder").orElseThrow(), "PodScheduled")
        .map(c -> c.path("message").asText().equals(message)).orElse(false));
  }

  @Test
  void noExecuteTaintsEvictPodsThatDoNotTolerateThemAfterTheirTolerationSeconds() {
    String onN1 = ",'nodeSelector':{'kubernetes.io/hostname':'n1'},'tolerations':[";
    createPod("plain", "", onN1 + "]");
    createPod("brief", "", onN1 + "{'key':'maintenance','operator':'Exists','effect':'NoExecute','tolerationSeconds':2}]");
    createPod("steady", "", onN1 + "{'key':'maintenance','operator':'Exists'}]");
    await().atMost(Duration.ofSeconds(10)).until(() -> List.of("plain", "brief", "steady").stream().allMatch(p -> nodeOf(p).equals("n1")));

    ObjectNode n1 = client.get(Types.NODES, null, "n1");
    n1.with("spec").putArray("taints").addObject().put("key", "maintenance").put("value", "yes").put("effect", "NoExecute");
    client.update(Types.NODES, n1);
    long tainted = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).until(() -> evicted("plain"));
    assertThat(evicted("brief")).as("tolerated for 2 s").isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> evicted("brief"));
    assertThat(Duration.ofNanos(System.nanoTime() - tainted)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    assertThat(evicted("steady")).isFalse();
    assertThat(events("plain")).contains("Normal TaintManagerEviction Marking for deletion Pod d/plain");

    // a new pod without the toleration is not scheduled there
    createPod("late", "", onN1 + "]");
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(pod("late").orElseThrow(), "PodScheduled")
        .map(c -> c.path("message").asText().equals("0/3 nodes are available: 1 node(s) had untolerated taint {maintenance: yes}, "
            + "2 node(s) didn't match Pod's node affinity/selector.")).orElse(false));
  }

  /** Deleted, or being deleted with the taint manager's DisruptionTarget condition. */
  boolean evicted(String name) {
    Optional<ObjectNode> p = pod(name);
    return p.isEmpty() || (Meta.isDeleting(p.get()) && condition(p.get(), "DisruptionTarget")
        .map(c -> c.path("reason").asText().equals("DeletionByTaintManager")).orElse(false));
  }

  String zone(String node) {
    return Meta.labels(client.get(Types.NODES, null, node)).get("topology.kubernetes.io/zone");
  }

  static Optional<JsonNode> condition(ObjectNode pod, String type) {
    for (JsonNode c : pod.path("status").path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  List<String> events(String podName) {
    List<String> out = new ArrayList<>();
    for (ObjectNode e : client.list(Types.EVENTS, "d", ListOptions.ALL).items()) {
      if (e.path("involvedObject").path("name").asText().equals(podName)) {
        out.add(e.path("type").asText() + " " + e.path("reason").asText() + " " + e.path("message").asText());
      }
    }
    return out;
  }
}
