package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DaemonSets against the in-process control plane on several nodes: the simulated node runs its
 * pods, and Node objects {@code extra-*} stand for more machines, whose "kubelet" is this test
 * (it marks their pods ready and finishes their deletion).
 */
class DaemonSetScenariosIT extends SimulatedClusterTests {
  static final String LOCAL = NodeNames.local();
  static Thread kubelet;
  static volatile boolean running;

  @BeforeAll
  static void startFakeKubelet() {
    running = true;
    kubelet = Thread.ofPlatform().daemon().name("extra-nodes-kubelet").start(() -> {
      while (running) {
        try {
          fakeKubelet();
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // a pod changed under us: the next round sees it anew
        }
      }
    });
  }

  @AfterAll
  static void stopFakeKubelet() throws InterruptedException {
    running = false;
    kubelet.join();
  }

  /** Pods bound to extra nodes become Running and Ready; their deletions complete. */
  static void fakeKubelet() {
    for (Pod p : cluster.client.pods().inAnyNamespace().list().getItems()) {
      String node = p.getSpec().getNodeName();
      if (node == null || !node.startsWith("extra-")) {
        continue;
      }
      var pods = cluster.client.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName());
      if (p.getMetadata().getDeletionTimestamp() != null) {
        pods.withGracePeriod(0).delete();
      } else if (p.getStatus() == null || !"Running".equals(p.getStatus().getPhase())) {
        if (p.getStatus() == null) {
          p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
        }
        p.getStatus().setPhase("Running");
        p.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(Instant.now().toString()).build()));
        cluster.client.pods().inNamespace(p.getMetadata().getNamespace()).resource(p).updateStatus();
      }
    }
  }

  @BeforeEach
  void twoExtraNodes() {
    addNode("extra-1", Map.of("disk", "ssd"));
    addNode("extra-2", Map.of());
  }

  @AfterEach
  void removeExtraNodes() {
    cluster.client.apps().daemonSets().inNamespace(ns).delete();
    await().atMost(PATIENCE).until(() -> pods().isEmpty());
    for (Node n : cluster.client.nodes().list().getItems()) {
      if (n.getMetadata().getName().startsWith("extra-")) {
        cluster.client.nodes().withName(n.getMetadata().getName()).delete();
      }
    }
  }

  static void addNode(String name, Map<String, String> labels) {
    Node node = cluster.client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .withNewSpec().endSpec().build()).create();
    node.setStatus(new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
        .withAllocatable(Map.of("cpu", new Quantity("4"), "memory", new Quantity("8Gi"), "pods", new Quantity("110")))
        .addNewCondition().withType("Ready").withStatus("True").endCondition().build());
    cluster.client.nodes().resource(node).updateStatus();
  }

  static void taint(String node, String key, String effect) {
    cluster.client.nodes().withName(node).edit(n -> {
      n.getSpec().setTaints(List.of(new Taint(effect, key, null, "x")));
      return n;
    });
  }

  static String daemonSet(String image, String specExtra) {
    return """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: logs
        spec:
        %s
          selector:
            matchLabels:
              app: logs
          template:
            metadata:
              labels:
                app: logs
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: shipper
                image: %s
        """.formatted(specExtra.indent(2).stripTrailing(), image);
  }

  DaemonSet create(String yaml) {
    return cluster.client.apps().daemonSets().inNamespace(ns)
        .resource(cluster.client.getKubernetesSerialization().unmarshal(yaml, DaemonSet.class)).create();
  }

  DaemonSet get() {
    return cluster.client.apps().daemonSets().inNamespace(ns).withName("logs").get();
  }

  List<Pod> pods() {
    return cluster.client.pods().inNamespace(ns).withLabel("app", "logs").list().getItems();
  }

  /** Node name of every live pod, sorted (a node twice means two pods there). */
  List<String> nodesWithPods() {
    return pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> String.valueOf(p.getSpec().getNodeName())).sorted().toList();
  }

  static Set<String> nodes(String... names) {
    return new TreeSet<>(List.of(names));
  }

  boolean settled(int desired) {
    DaemonSet ds = get();
    DaemonSetStatus s = ds.getStatus();
    return s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= ds.getMetadata().getGeneration()
        && s.getDesiredNumberScheduled() == desired && eq(s.getUpdatedNumberScheduled(), desired) && eq(s.getNumberAvailable(), desired)
        && nodesWithPods().size() == desired;
  }

  static boolean eq(Integer a, int b) {
    return (a == null ? 0 : a) == b;
  }

  @Test
  void onePodPerNodeFollowingNewAndTaintedNodes() {
    create(daemonSet("nginx:1.27", ""));
    await().atMost(PATIENCE).until(() -> settled(3));
    assertThat(nodesWithPods()).containsExactlyInAnyOrderElementsOf(nodes(LOCAL, "extra-1", "extra-2"));
    Pod onLocal = pods().stream().filter(p -> LOCAL.equals(p.getSpec().getNodeName())).findFirst().orElseThrow();
    assertThat(onLocal.getSpec().getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
        .getNodeSelectorTerms().get(0).getMatchFields().get(0).getValues()).containsExactly(LOCAL);
    assertThat(onLocal.getSpec().getTolerations()).extracting(t -> t.getKey())
        .contains("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable");
    assertThat(onLocal.getMetadata().getLabels()).containsEntry("pod-template-generation", "1").containsKey("controller-revision-hash");

    addNode("extra-3", Map.of());
    await().atMost(PATIENCE).until(() -> nodesWithPods().contains("extra-3") && settled(4));

    taint("extra-1", "evict", "NoExecute");
    await().atMost(PATIENCE).until(() -> !nodesWithPods().contains("extra-1") && settled(3));

    // NoSchedule keeps new pods off but lets a running one stay: misscheduled
    taint("extra-2", "keep-off", "NoSchedule");
    await().atMost(PATIENCE).until(() -> get().getStatus().getDesiredNumberScheduled() == 2 && get().getStatus().getNumberMisscheduled() == 1);
    assertThat(nodesWithPods()).contains("extra-2");
  }

  @Test
  void nodeSelectorChoosesNodesAndAChangedLabelMovesThePod() {
    create(daemonSet("nginx:1.27", "minReadySeconds: 0").replace("      containers:", "      nodeSelector: {disk: ssd}\n      containers:"));
    await().atMost(PATIENCE).until(() -> settled(1));
    assertThat(nodesWithPods()).containsExactly("extra-1");
    cluster.client.nodes().withName("extra-2").edit(n -> {
      n.getMetadata().getLabels().put("disk", "ssd");
      return n;
    });
    cluster.client.nodes().withName("extra-1").edit(n -> {
      n.getMetadata().getLabels().remove("disk");
      return n;
    });
    await().atMost(PATIENCE).until(() -> nodesWithPods().equals(List.of("extra-2")) && settled(1));
  }

  @Test
  void rollsOutANewTemplateNodeByNodeAndRollsBack() {
    create(daemonSet("nginx:1.27", ""));
    await().atMost(PATIENCE).until(() -> settled(3));
    cluster.client.apps().daemonSets().inNamespace(ns).withName("logs").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
      return d;
    });
    int[] fewestAvailable = {3};
    await().atMost(PATIENCE).until(() -> {
      DaemonSetStatus s = get().getStatus();
      if (s != null && s.getNumberAvailable() != null) {
        fewestAvailable[0] = Math.min(fewestAvailable[0], s.getNumberAvailable());
      }
      return settled(3) && images().equals(Set.of("nginx:1.28"));
    });
    assertThat(fewestAvailable[0]).as("maxUnavailable 1").isGreaterThanOrEqualTo(2);
    assertThat(pods()).allSatisfy(p -> assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-generation", "2"));
    List<ControllerRevision> history = cluster.client.apps().controllerRevisions().inNamespace(ns).list().getItems();
    assertThat(history).extracting(ControllerRevision::getRevision).containsExactlyInAnyOrder(1L, 2L);
    String newHash = pods().get(0).getMetadata().getLabels().get("controller-revision-hash");
    assertThat(history).anySatisfy(r -> assertThat(r.getMetadata().getName()).isEqualTo("logs-" + newHash));

    // back to the first template: its revision becomes number 3, no new revision is made
    cluster.client.apps().daemonSets().inNamespace(ns).withName("logs").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.27");
      return d;
    });
    await().atMost(PATIENCE).until(() -> settled(3) && images().equals(Set.of("nginx:1.27")));
    assertThat(cluster.client.apps().controllerRevisions().inNamespace(ns).list().getItems())
        .extracting(ControllerRevision::getRevision).containsExactlyInAnyOrder(2L, 3L);
  }

  @Test
  void onDeleteReplacesOnlyDeletedPods() {
    create(daemonSet("nginx:1.27", "updateStrategy: {type: OnDelete}"));
    await().atMost(PATIENCE).until(() -> settled(3));
    cluster.client.apps().daemonSets().inNamespace(ns).withName("logs").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("nginx:1.28");
      return d;
    });
    await().atMost(PATIENCE).until(() -> get().getStatus().getObservedGeneration() == 2);
    assertThat(images()).containsExactly("nginx:1.27");
    Pod local = pods().stream().filter(p -> LOCAL.equals(p.getSpec().getNodeName())).findFirst().orElseThrow();
    cluster.client.pods().inNamespace(ns).withName(local.getMetadata().getName()).delete();
    await().atMost(PATIENCE).until(() -> pods().stream().anyMatch(p -> LOCAL.equals(p.getSpec().getNodeName())
        && p.getMetadata().getDeletionTimestamp() == null && p.getSpec().getContainers().get(0).getImage().equals("nginx:1.28")));
    assertThat(get().getStatus().getUpdatedNumberScheduled()).isEqualTo(1);
  }

  @Test
  void invalidSpecsAreRefusedWithTheirFieldPaths() {
    assertThatThrownBy(() -> create(daemonSet("nginx:1.27", "").replace("app: logs\n  template", "app: other\n  template")))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getMessage()).contains("spec.template.metadata.labels").contains("`selector` does not match template `labels`");
        });
    create(daemonSet("nginx:1.27", ""));
    assertThatThrownBy(() -> cluster.client.apps().daemonSets().inNamespace(ns).withName("logs").edit(d -> {
      d.getSpec().getSelector().getMatchLabels().put("tier", "x");
      d.getSpec().getTemplate().getMetadata().getLabels().put("tier", "x");
      return d;
    })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage()).contains("spec.selector").contains("field is immutable"));
  }

  Set<String> images() {
    return pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getSpec().getContainers().get(0).getImage()).collect(Collectors.toSet());
  }
}
