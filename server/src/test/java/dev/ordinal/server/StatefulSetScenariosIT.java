package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static dev.ordinal.server.SimulatedCluster.ready;
import static dev.ordinal.server.SimulatedCluster.revision;
import static dev.ordinal.server.SimulatedCluster.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Kubernetes' e2e StatefulSet scenarios (test/e2e/apps/statefulset.go), re-expressed against the
 * in-process control plane with the simulated node: ordering under failure, update strategies,
 * availability, start ordinals and replacement of failed replicas. Storage scenarios are in
 * {@link StatefulSetStorageScenariosIT}.
 */
class StatefulSetScenariosIT extends SimulatedClusterTests {
  static final String NEVER_READY = "'sim.ordinal.dev/never-ready': 'true'";

  void scale(int replicas) {
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").scale(replicas);
  }

  void setImage(String image) {
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web")
        .edit(s -> {
          s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
          return s;
        });
  }

  void setPartition(int partition) {
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").edit(s -> {
      s.getSpec().getUpdateStrategy().getRollingUpdate().setPartition(partition);
      return s;
    });
  }

  @Test
  void burstScalingCreatesAndDeletesAllReplicasAtOnceEvenWhenNoneIsReady() {
    cluster.create(ns, web(0, "podManagementPolicy: Parallel", NEVER_READY));
    scale(4);
    await().atMost(PATIENCE).until(() -> cluster.podNames(ns).size() == 4
        && cluster.pods(ns).stream().allMatch(p -> "Running".equals(p.getStatus().getPhase())));
    assertThat(cluster.pods(ns)).noneMatch(SimulatedCluster::ready);
    assertThat(cluster.status(ns).getReadyReplicas()).isIn(null, 0);

    scale(0);
    await().atMost(PATIENCE).until(() -> cluster.podNames(ns).isEmpty());
  }

  @Test
  void orderedScaleUpHaltsBehindAnUnreadyReplicaAndResumesWhenTheTemplateIsFixed() {
    cluster.create(ns, web(1, "", NEVER_READY));
    await().atMost(PATIENCE).until(() -> {
      Pod p = cluster.pod(ns, "web-0");
      return p != null && "Running".equals(p.getStatus().getPhase());
    });
    scale(3);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> cluster.podNames(ns).equals(List.of("web-0")));

    // the fix: a template without the fault; upstream needs the broken pod deleted by hand
    // (kubernetes#67250), Ordinal replaces it itself
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").edit(s -> {
      s.getSpec().getTemplate().getMetadata().getAnnotations().clear();
      return s;
    });
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 3);
    assertThat(cluster.podNames(ns)).containsExactly("web-0", "web-1", "web-2");
  }

  /** Sets (or, with null, removes) the simulated node's never-ready fault on web-0. */
  void annotateWeb0(String neverReady) {
    cluster.client.pods().inNamespace(ns).withName("web-0").edit(p -> {
      Map<String, String> annotations = new HashMap<>(p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations());
      if (neverReady == null) {
        annotations.remove("sim.ordinal.dev/never-ready");
      } else {
        annotations.put("sim.ordinal.dev/never-ready", neverReady);
      }
      p.getMetadata().setAnnotations(annotations);
      return p;
    });
  }

  @Test
  void orderedScaleDownHaltsWhileAReplicaIsUnhealthy() {
    cluster.create(ns, web(3, "", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 3);
    // web-0's readiness probe starts failing
    annotateWeb0("true");
    await().atMost(PATIENCE).until(() -> !ready(cluster.pod(ns, "web-0")));
    scale(1);
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> cluster.podNames(ns).equals(List.of("web-0", "web-1", "web-2")));

    annotateWeb0(null);
    await().atMost(PATIENCE).until(() -> cluster.podNames(ns).equals(List.of("web-0")));
  }

  @Test
  void onDeleteReplacesAReplicaOnlyWhenItIsDeleted() {
    cluster.create(ns, web(2, "updateStrategy:\n  type: OnDelete", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    String old = cluster.status(ns).getCurrentRevision();
    setImage("nginx:1.28");
    cluster.awaitStatus(ns, s -> s.getUpdateRevision() != null && !s.getUpdateRevision().equals(old));
    String updated = cluster.status(ns).getUpdateRevision();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
        .until(() -> cluster.pods(ns).stream().allMatch(p -> revision(p).equals(old)));

    String uid = cluster.pod(ns, "web-1").getMetadata().getUid();
    cluster.client.pods().inNamespace(ns).withName("web-1").delete();
    await().atMost(PATIENCE).until(() -> {
      Pod p = cluster.pod(ns, "web-1");
      return p != null && !p.getMetadata().getUid().equals(uid) && ready(p);
    });
    assertThat(revision(cluster.pod(ns, "web-1"))).isEqualTo(updated);
    assertThat(cluster.pod(ns, "web-1").getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28");
    assertThat(revision(cluster.pod(ns, "web-0"))).isEqualTo(old);
    assertThat(cluster.status(ns).getUpdatedReplicas()).isEqualTo(1);
  }

  @Test
  void aPhasedRolloutUpdatesFromTheHighestOrdinalDownToThePartition() {
    cluster.create(ns, web(3, "updateStrategy:\n  type: RollingUpdate\n  rollingUpdate:\n    partition: 3", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 3);
    String old = cluster.status(ns).getCurrentRevision();
    List<String> updatedOrder = new CopyOnWriteArrayList<>();
    try (Watch w = cluster.client.pods().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (action == Action.ADDED && !revision(pod).equals(old)) {
          updatedOrder.add(pod.getMetadata().getName());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      setImage("nginx:1.28");
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
          .until(() -> cluster.pods(ns).stream().allMatch(p -> revision(p).equals(old)));

      setPartition(1);
      await().atMost(PATIENCE).until(() -> updatedOrder.size() == 2 && cluster.status(ns).getReadyReplicas() == 3);
      assertThat(updatedOrder).containsExactly("web-2", "web-1");
      assertThat(revision(cluster.pod(ns, "web-0"))).isEqualTo(old);

      setPartition(0);
      cluster.awaitStatus(ns, s -> s.getUpdatedReplicas() != null && s.getUpdatedReplicas() == 3
          && s.getCurrentRevision().equals(s.getUpdateRevision()));
      assertThat(updatedOrder).containsExactly("web-2", "web-1", "web-0");
    }
  }

  @Test
  void replicasBecomeAvailableOnlyAfterMinReadySeconds() {
    cluster.create(ns, web(2, "podManagementPolicy: Parallel\nminReadySeconds: 4", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    assertThat(cluster.status(ns).getAvailableReplicas()).isIn(null, 0, 1);
    cluster.awaitStatus(ns, s -> s.getAvailableReplicas() != null && s.getAvailableReplicas() == 2);
  }

  @Test
  void changingTheStartOrdinalMovesTheReplicas() {
    cluster.create(ns, web(2, "ordinals:\n  start: 2", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    assertThat(cluster.podNames(ns)).containsExactly("web-2", "web-3");
    assertThat(cluster.pod(ns, "web-2").getMetadata().getLabels()).containsEntry("apps.kubernetes.io/pod-index", "2");

    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").edit(s -> {
      s.getSpec().getOrdinals().setStart(0);
      return s;
    });
    await().atMost(PATIENCE).until(() -> cluster.podNames(ns).equals(List.of("web-0", "web-1"))
        && cluster.pods(ns).stream().allMatch(SimulatedCluster::ready));
    assertThat(cluster.claimNames(ns)).containsExactly("www-web-0", "www-web-1", "www-web-2", "www-web-3");
  }

  @Test
  void aFailedReplicaIsReplacedUnderItsOwnName() {
    cluster.create(ns, web(1, "", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 1);
    String uid = cluster.pod(ns, "web-0").getMetadata().getUid();
    cluster.client.pods().inNamespace(ns).withName("web-0").editStatus(p -> {
      p.setStatus(new PodStatusBuilder(p.getStatus()).withPhase("Failed").build());
      return p;
    });
    await().atMost(PATIENCE).until(() -> {
      Pod p = cluster.pod(ns, "web-0");
      return p != null && !p.getMetadata().getUid().equals(uid) && ready(p);
    });
    assertThat(cluster.pod(ns, "web-0").getSpec().getVolumes()).anySatisfy(v ->
        assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("www-web-0"));
  }
}
