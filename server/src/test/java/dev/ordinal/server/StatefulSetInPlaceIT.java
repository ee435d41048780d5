package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static dev.ordinal.server.SimulatedCluster.revision;
import static dev.ordinal.server.SimulatedCluster.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The {@code apps.ordinal.dev/pod-update-policy} annotation on the simulated node: a new image
 * rolls out by changing the pods (same uid and IP, a container restart), highest ordinal first;
 * a change of command still recreates them; InPlaceOnly refuses it with an event.
 */
class StatefulSetInPlaceIT extends SimulatedClusterTests {
  static final String POLICY = "apps.ordinal.dev/pod-update-policy";

  void edit(Consumer<StatefulSet> change) {
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").edit(s -> {
      change.accept(s);
      return s;
    });
  }

  static Consumer<StatefulSet> policy(String value) {
    return s -> s.getMetadata().getAnnotations().put(POLICY, value);
  }

  static Consumer<StatefulSet> image(String image) {
    return s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
  }

  Map<String, String> by(java.util.function.Function<Pod, String> what) {
    return cluster.pods(ns).stream().collect(Collectors.toMap(p -> p.getMetadata().getName(), what));
  }

  void awaitRolledOut() {
    cluster.awaitStatus(ns, s -> s.getUpdateRevision() != null && s.getUpdateRevision().equals(s.getCurrentRevision())
        && Integer.valueOf(3).equals(s.getUpdatedReplicas()) && Integer.valueOf(3).equals(s.getReadyReplicas()));
  }

  StatefulSet started(String policy) {
    StatefulSet set = cluster.create(ns, web(3, "", ""));
    cluster.awaitStatus(ns, s -> Integer.valueOf(3).equals(s.getReadyReplicas()));
    edit(s -> {
      if (s.getMetadata().getAnnotations() == null) {
        s.getMetadata().setAnnotations(new HashMap<>());
      }
    });
    edit(policy(policy));
    return set;
  }

  @Test
  void aNewImageUpdatesThePodsInPlaceFromTheHighestOrdinalDown() {
    started("InPlaceIfPossible");
    Map<String, String> uids = by(p -> p.getMetadata().getUid());
    Map<String, String> ips = by(p -> p.getStatus().getPodIP());
    String oldRevision = cluster.status(ns).getCurrentRevision();
    List<String> order = new CopyOnWriteArrayList<>();
    try (Watch w = cluster.client.pods().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Pod pod) {
        String name = pod.getMetadata().getName();
        if (!revision(pod).equals(oldRevision) && !order.contains(name)) {
          order.add(name);
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      edit(image("nginx:1.28"));
      awaitRolledOut();
    }
    assertThat(order).containsExactly("web-2", "web-1", "web-0");
    assertThat(by(p -> p.getMetadata().getUid())).isEqualTo(uids);
    assertThat(by(p -> p.getStatus().getPodIP())).isEqualTo(ips);
    await().atMost(PATIENCE).until(() -> cluster.pods(ns).stream().allMatch(p -> p.getStatus().getContainerStatuses().get(0)
        .getImage().equals("nginx:1.28")));
    assertThat(cluster.pods(ns)).allSatisfy(p -> assertThat(p.getStatus().getContainerStatuses().get(0).getRestartCount()).isEqualTo(1));
    assertThat(reasons("web-0")).contains("Killing: Container nginx definition changed, will be restarted");
    assertThat(setEvents()).anyMatch(m -> m.startsWith("SuccessfulUpdate: update Pod web-2 in StatefulSet web in place successful"));
  }

  @Test
  void aChangedCommandStillRecreatesThePods() {
    started("InPlaceIfPossible");
    Map<String, String> uids = by(p -> p.getMetadata().getUid());
    edit(s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).setArgs(List.of("-g", "daemon off;")));
    awaitRolledOut();
    Map<String, String> now = by(p -> p.getMetadata().getUid());
    assertThat(now.keySet()).isEqualTo(uids.keySet());
    assertThat(now).allSatisfy((name, uid) -> assertThat(uid).isNotEqualTo(uids.get(name)));
  }

  @Test
  void inPlaceOnlyRefusesAChangeItCannotMakeInPlace() {
    started("InPlaceOnly");
    Map<String, String> uids = by(p -> p.getMetadata().getUid());
    String oldRevision = cluster.status(ns).getCurrentRevision();
    edit(s -> s.getSpec().getTemplate().getSpec().getContainers().get(0).setArgs(List.of("-g", "daemon off;")));
    await().atMost(PATIENCE).until(() -> setEvents().stream().anyMatch(m -> m.startsWith("InPlaceUpdateRefused: pod web-2 not updated")));
    assertThat(by(p -> p.getMetadata().getUid())).isEqualTo(uids);
    assertThat(cluster.pods(ns)).allSatisfy(p -> assertThat(revision(p)).isEqualTo(oldRevision));
  }

  @Test
  void anUnknownPolicyIsRefused() {
    cluster.create(ns, web(1, "", ""));
    assertThatThrownBy(() -> edit(s -> s.getMetadata().setAnnotations(Map.of(POLICY, "Sometimes"))))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getDetails().getCauses().get(0).getField())
              .isEqualTo("metadata.annotations[apps.ordinal.dev/pod-update-policy]");
        });
  }

  List<String> setEvents() {
    return cluster.client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getKind().equals("StatefulSet"))
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }

  List<String> reasons(String pod) {
    return cluster.client.v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(pod))
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }
}
