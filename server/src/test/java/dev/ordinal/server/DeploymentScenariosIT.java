package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Deployments, ReplicaSets and ReplicationControllers against the in-process control plane with
 * the simulated node: rollouts, rollbacks, pause and resume, the progress deadline, Recreate,
 * adoption and orphaning.
 */
class DeploymentScenariosIT extends SimulatedClusterTests {

  static String deployment(int replicas, String image, String specExtra, String podAnnotations) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: %d
        %s
          selector:
            matchLabels:
              app: web
          template:
            metadata:
              labels:
                app: web
              annotations: {%s}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: nginx
                image: %s
                readinessProbe:
                  tcpSocket:
                    port: 80
                  periodSeconds: 1
        """.formatted(replicas, specExtra.indent(2).stripTrailing(), podAnnotations, image);
  }

  Deployment create(String yaml) {
    return cluster.client.apps().deployments().inNamespace(ns)
        .resource(cluster.client.getKubernetesSerialization().unmarshal(yaml, Deployment.class)).create();
  }

  Deployment get() {
    return cluster.client.apps().deployments().inNamespace(ns).withName("web").get();
  }

  List<ReplicaSet> replicaSets() {
    return cluster.client.apps().replicaSets().inNamespace(ns).list().getItems();
  }

  List<Pod> pods() {
    return cluster.client.pods().inNamespace(ns).withLabel("app", "web").list().getItems();
  }

  void setImage(String image) {
    cluster.client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
      return d;
    });
  }

  /** Rolled out: every replica updated and available, no old pod left, the status observed. */
  boolean complete(int replicas) {
    Deployment d = get();
    var s = d.getStatus();
    return s != null && s.getObservedGeneration() != null && s.getObservedGeneration() >= d.getMetadata().getGeneration()
        && eq(s.getUpdatedReplicas(), replicas) && eq(s.getReplicas(), replicas) && eq(s.getAvailableReplicas(), replicas)
        && pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count() == replicas;
  }

  static boolean eq(Integer a, int b) {
    return (a == null ? 0 : a) == b;
  }

  String condition(String type) {
    Deployment d = get();
    if (d.getStatus() == null || d.getStatus().getConditions() == null) {
      return "none";
    }
    return d.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .map(c -> c.getStatus() + " " + c.getReason()).orElse("none");
  }

  Set<String> images() {
    return pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getSpec().getContainers().get(0).getImage()).collect(Collectors.toSet());
  }

  static String revision(ReplicaSet rs) {
    return rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
  }

  @Test
  void rollsOutAnUpdateAndRollsBackToTheFirstReplicaSet() {
    create(deployment(3, "nginx:1.26", "", ""));
    await().atMost(PATIENCE).until(() -> complete(3));
    ReplicaSet first = replicaSets().getFirst();
    String hash = first.getMetadata().getLabels().get("pod-template-hash");
    assertThat(first.getMetadata().getName()).isEqualTo("web-" + hash);
    assertThat(first.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1")
        .containsEntry("deployment.kubernetes.io/desired-replicas", "3").containsEntry("deployment.kubernetes.io/max-replicas", "4");
    for (Pod p : pods()) {
      assertThat(p.getMetadata().getName()).matches("web-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}");
      assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
      var ref = p.getMetadata().getOwnerReferences().getFirst();
      assertThat(ref.getKind()).isEqualTo("ReplicaSet");
      assertThat(ref.getName()).isEqualTo(first.getMetadata().getName());
      assertThat(ref.getController()).isTrue();
      assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }
    assertThat(condition("Available")).isEqualTo("True MinimumReplicasAvailable");
    await().atMost(PATIENCE).until(() -> condition("Progressing").equals("True NewReplicaSetAvailable"));

    setImage("nginx:1.27");
    await().atMost(PATIENCE).until(() -> complete(3) && images().equals(Set.of("nginx:1.27")));
    assertThat(replicaSets()).hasSize(2);
    assertThat(get().getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
    ReplicaSet old = cluster.client.apps().replicaSets().inNamespace(ns).withName(first.getMetadata().getName()).get();
    assertThat(old.getSpec().getReplicas()).isZero();

    setImage("nginx:1.26"); // what kubectl rollout undo writes: the first set's template
    await().atMost(PATIENCE).until(() -> complete(3) && images().equals(Set.of("nginx:1.26")));
    assertThat(replicaSets()).hasSize(2);
    ReplicaSet reused = cluster.client.apps().replicaSets().inNamespace(ns).withName(first.getMetadata().getName()).get();
    assertThat(revision(reused)).isEqualTo("3");
    assertThat(reused.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision-history", "1");
    assertThat(reused.getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void aPausedDeploymentDoesNotRollOutUntilResumedButScales() {
    create(deployment(2, "nginx:1.26", "", ""));
    await().atMost(PATIENCE).until(() -> complete(2));
    cluster.client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().setPaused(true);
      return d;
    });
    await().atMost(PATIENCE).until(() -> condition("Progressing").equals("Unknown DeploymentPaused"));
    setImage("nginx:1.27");
    cluster.client.apps().deployments().inNamespace(ns).withName("web").scale(3);
    await().atMost(PATIENCE).until(() -> eq(get().getStatus().getReplicas(), 3) && eq(get().getStatus().getAvailableReplicas(), 3));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> replicaSets().size() == 1 && images().equals(Set.of("nginx:1.26")));

    cluster.client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().setPaused(false);
      return d;
    });
    await().atMost(PATIENCE).until(() -> complete(3) && images().equals(Set.of("nginx:1.27")));
    assertThat(replicaSets()).hasSize(2);
  }

  @Test
  void aRolloutThatNeverBecomesReadyExceedsItsProgressDeadlineAndKeepsTheOldPods() {
    create(deployment(2, "nginx:1.26", "progressDeadlineSeconds: 3", ""));
    await().atMost(PATIENCE).until(() -> complete(2));
    cluster.client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of("sim.ordinal.dev/never-ready", "true"));
      return d;
    });
    await().atMost(PATIENCE).until(() -> condition("Progressing").equals("False ProgressDeadlineExceeded"));
    DeploymentCondition c = get().getStatus().getConditions().stream().filter(x -> x.getType().equals("Progressing")).findFirst().orElseThrow();
    assertThat(c.getMessage()).matches("ReplicaSet \"web-[a-z0-9]+\" has timed out progressing.");
    // maxUnavailable 25% of 2 rounds down to 0: both old pods stay available
    assertThat(get().getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(condition("Available")).isEqualTo("True MinimumReplicasAvailable");
  }

  @Test
  void recreateStopsEveryOldPodBeforeStartingNewOnes() {
    create(deployment(2, "nginx:1.26", "strategy:\n  type: Recreate", ""));
    await().atMost(PATIENCE).until(() -> complete(2));
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    var watch = cluster.client.pods().inNamespace(ns).watch(new io.fabric8.kubernetes.client.Watcher<Pod>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        if (action == Action.ADDED) {
          long oldLeft = pods().stream().filter(p -> p.getSpec().getContainers().get(0).getImage().equals("nginx:1.26")).count();
          seen.add(pod.getSpec().getContainers().get(0).getImage() + ":" + oldLeft);
        }
      }

      @Override
      public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
    });
    try {
      setImage("nginx:1.27");
      await().atMost(PATIENCE).until(() -> complete(2) && images().equals(Set.of("nginx:1.27")));
    } finally {
      watch.close();
    }
    assertThat(seen.stream().filter(s -> s.startsWith("nginx:1.27"))).allMatch(s -> s.endsWith(":0"));
  }

  @Test
  void orphanedReplicaSetsAndPodsAreAdoptedByTheirNextOwner() {
    create(deployment(2, "nginx:1.26", "", ""));
    await().atMost(PATIENCE).until(() -> complete(2));
    Set<String> podUids = pods().stream().map(p -> p.getMetadata().getUid()).collect(Collectors.toSet());
    String rsUid = replicaSets().getFirst().getMetadata().getUid();

    cluster.client.apps().deployments().inNamespace(ns).withName("web").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    await().atMost(PATIENCE).until(() -> get() == null
        && replicaSets().size() == 1 && replicaSets().getFirst().getMetadata().getOwnerReferences().isEmpty());
    assertThat(pods()).hasSize(2);

    create(deployment(2, "nginx:1.26", "", ""));
    await().atMost(PATIENCE).until(() -> complete(2)
        && !replicaSets().getFirst().getMetadata().getOwnerReferences().isEmpty());
    assertThat(replicaSets()).extracting(r -> r.getMetadata().getUid()).containsExactly(rsUid);
    assertThat(pods()).extracting(p -> p.getMetadata().getUid()).containsExactlyInAnyOrderElementsOf(podUids);

    // the ReplicaSet alone: orphaned pods are adopted back, not replaced
    cluster.client.apps().deployments().inNamespace(ns).withName("web").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    await().atMost(PATIENCE).until(() -> get() == null && replicaSets().getFirst().getMetadata().getOwnerReferences().isEmpty());
    ReplicaSet rs = replicaSets().getFirst();
    cluster.client.apps().replicaSets().inNamespace(ns).withName(rs.getMetadata().getName())
        .withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    await().atMost(PATIENCE).until(() -> replicaSets().isEmpty()
        && pods().stream().allMatch(p -> p.getMetadata().getOwnerReferences().isEmpty()));
    rs.getMetadata().setResourceVersion(null);
    rs.getMetadata().setUid(null);
    rs.getMetadata().setOwnerReferences(null);
    rs.setStatus(null);
    cluster.client.apps().replicaSets().inNamespace(ns).resource(rs).create();
    // its informer may still see the pods owned by the old ReplicaSet and create one more, as
    // upstream's can; the surplus, not yet ready, is the one scaled away
    await().atMost(PATIENCE).until(() -> pods().size() == 2
        && pods().stream().allMatch(p -> !p.getMetadata().getOwnerReferences().isEmpty()));
    assertThat(pods()).extracting(p -> p.getMetadata().getUid()).containsExactlyInAnyOrderElementsOf(podUids);

    // a pod relabelled out of the selector is released and replaced
    Pod one = pods().getFirst();
    cluster.client.pods().inNamespace(ns).withName(one.getMetadata().getName()).edit(p -> {
      p.getMetadata().getLabels().put("pod-template-hash", "gone");
      return p;
    });
    await().atMost(PATIENCE).until(() -> {
      Pod released = cluster.client.pods().inNamespace(ns).withName(one.getMetadata().getName()).get();
      return released.getMetadata().getOwnerReferences().isEmpty() && pods().size() == 3;
    });
  }

  @Test
  void aReplicationControllerKeepsItsCountAndScalesDownPendingPodsFirst() {
    String rc = """
        apiVersion: v1
        kind: ReplicationController
        metadata:
          name: rc
        spec:
          replicas: 3
          template:
            metadata:
              labels:
                app: web
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: nginx
                image: nginx:1.26
        """;
    ReplicationController created = cluster.client.replicationControllers().inNamespace(ns)
        .resource(cluster.client.getKubernetesSerialization().unmarshal(rc, ReplicationController.class)).create();
    assertThat(created.getSpec().getSelector()).containsEntry("app", "web"); // defaulted from the template
    await().atMost(PATIENCE).until(() -> {
      var s = cluster.client.replicationControllers().inNamespace(ns).withName("rc").get().getStatus();
      return eq(s.getReadyReplicas(), 3) && eq(s.getAvailableReplicas(), 3);
    });
    Pod victim = pods().getFirst();
    cluster.client.pods().inNamespace(ns).withName(victim.getMetadata().getName()).delete();
    await().atMost(PATIENCE).until(() -> pods().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).count() == 3
        && pods().stream().noneMatch(p -> p.getMetadata().getUid().equals(victim.getMetadata().getUid())));
    cluster.client.replicationControllers().inNamespace(ns).withName("rc").scale(1);
    await().atMost(PATIENCE).until(() -> pods().size() == 1);
  }

  @Test
  void invalidSpecsAreRefusedWithTheirFieldPaths() {
    String bad = deployment(1, "nginx:1.26", "", "").replace("app: web\n  template", "app: other\n  template");
    assertThatThrownBy(() -> create(bad)).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(422);
      assertThat(e.getMessage()).contains("spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: "
          + "`selector` does not match template `labels`");
    });
    assertThatThrownBy(() -> create(deployment(-1, "nginx:1.26", "", ""))).isInstanceOfSatisfying(KubernetesClientException.class,
        e -> assertThat(e.getMessage()).contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0"));
    create(deployment(1, "nginx:1.26", "", ""));
    assertThatThrownBy(() -> cluster.client.apps().deployments().inNamespace(ns).withName("web").edit(d -> {
      d.getSpec().getSelector().getMatchLabels().put("tier", "x");
      d.getSpec().getTemplate().getMetadata().getLabels().put("tier", "x");
      return d;
    })).isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getMessage()).contains("spec.selector").contains("field is immutable"));
    Deployment d = get();
    assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getStrVal()).isEqualTo("25%");
    assertThat(d.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
    assertThat(d.getSpec().getProgressDeadlineSeconds()).isEqualTo(600);
  }
}
