package dev.ordinal.server;

import static dev.ordinal.server.SimulatedCluster.PATIENCE;
import static dev.ordinal.server.SimulatedCluster.web;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The storage side of Kubernetes' e2e StatefulSet scenarios: claim retention policies (carried out
 * through owner references, as upstream does), and a Retain volume bound again once its claim is
 * recreated.
 */
class StatefulSetStorageScenariosIT extends SimulatedClusterTests {
  @AfterEach
  void deleteHandMadeVolumes() {
    cluster.client.persistentVolumes().withLabel("scenario", "retain").delete();
  }

  static String retention(String whenDeleted, String whenScaled) {
    return "persistentVolumeClaimRetentionPolicy:\n  whenDeleted: " + whenDeleted + "\n  whenScaled: " + whenScaled;
  }

  List<String> ownerKinds(String claim) {
    PersistentVolumeClaim c = cluster.claim(ns, claim);
    return c.getMetadata().getOwnerReferences().stream().map(OwnerReference::getKind).sorted().toList();
  }

  @Test
  void whenScaledDeleteRemovesTheClaimsOfRemovedReplicasAndTheirVolumes() {
    cluster.create(ns, web(3, retention("Retain", "Delete"), ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 3);
    String volume2 = cluster.claim(ns, "www-web-2").getSpec().getVolumeName();
    assertThat(cluster.client.persistentVolumes().withName(volume2).get()).isNotNull();

    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").scale(1);
    await().atMost(PATIENCE).until(() -> cluster.claimNames(ns).equals(List.of("www-web-0")));
    // the local-path class reclaims with Delete: the volumes of the deleted claims go too
    await().atMost(PATIENCE).until(() -> cluster.client.persistentVolumes().withName(volume2).get() == null);
    assertThat(cluster.claim(ns, "www-web-0").getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void whenDeletedDeleteRemovesTheClaimsWithTheSet() {
    cluster.create(ns, web(2, retention("Delete", "Retain"), ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    await().atMost(PATIENCE).until(() -> ownerKinds("www-web-0").equals(List.of("StatefulSet")));

    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").delete();
    await().atMost(PATIENCE).until(() -> cluster.claimNames(ns).isEmpty() && cluster.podNames(ns).isEmpty());
  }

  @Test
  void theDefaultPolicyKeepsEveryClaim() {
    cluster.create(ns, web(2, "", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").scale(0);
    await().atMost(PATIENCE).until(() -> cluster.podNames(ns).isEmpty());
    cluster.client.apps().statefulSets().inNamespace(ns).withName("web").delete();
    await().atMost(PATIENCE).until(() -> cluster.client.apps().statefulSets().inNamespace(ns).withName("web").get() == null);
    assertThat(cluster.claimNames(ns)).containsExactly("www-web-0", "www-web-1");
    assertThat(cluster.claim(ns, "www-web-0").getMetadata().getOwnerReferences()).isEmpty();
  }

  PersistentVolume manualVolume(String name, Path path) throws Exception {
    Files.createDirectories(path);
    return cluster.client.persistentVolumes().resource(new PersistentVolumeBuilder()
        .withNewMetadata().withName(name).withLabels(Map.of("scenario", "retain")).endMetadata()
        .withNewSpec().withStorageClassName("manual").withAccessModes("ReadWriteOnce")
        .withCapacity(Map.of("storage", new Quantity("1Gi"))).withPersistentVolumeReclaimPolicy("Retain")
        .withNewHostPath().withPath(path.toString()).endHostPath().endSpec().build()).create();
  }

  PersistentVolumeClaim manualClaim(String name) {
    return cluster.client.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withStorageClassName("manual").withAccessModes("ReadWriteOnce")
        .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec().build()).create();
  }

  String volumePhase(String name) {
    PersistentVolume pv = cluster.client.persistentVolumes().withName(name).get();
    return pv == null || pv.getStatus() == null ? "" : pv.getStatus().getPhase();
  }

  @Test
  void aRetainedVolumeIsBoundAgainOnceItsClaimIsRecreated() throws Exception {
    manualVolume("kept-" + ns, dir.resolve("kept-" + ns));
    Files.writeString(dir.resolve("kept-" + ns).resolve("data"), "precious");
    manualClaim("data");
    await().atMost(PATIENCE).until(() -> "Bound".equals(volumePhase("kept-" + ns)));

    cluster.client.persistentVolumeClaims().inNamespace(ns).withName("data").delete();
    await().atMost(PATIENCE).until(() -> "Released".equals(volumePhase("kept-" + ns)));
    assertThat(cluster.client.persistentVolumes().withName("kept-" + ns).get().getSpec().getClaimRef().getName()).isEqualTo("data");

    // as on Kubernetes, an administrator makes a released volume available again by clearing its claimRef
    cluster.client.persistentVolumes().withName("kept-" + ns).edit(pv -> {
      pv.getSpec().setClaimRef(null);
      return pv;
    });
    await().atMost(PATIENCE).until(() -> "Available".equals(volumePhase("kept-" + ns)));
    manualClaim("data");
    await().atMost(PATIENCE).until(() -> "Bound".equals(cluster.claim(ns, "data").getStatus().getPhase()));
    assertThat(cluster.claim(ns, "data").getSpec().getVolumeName()).isEqualTo("kept-" + ns);
    assertThat(Files.readString(dir.resolve("kept-" + ns).resolve("data"))).isEqualTo("precious");
  }

  @Test
  void aSetsClaimsBindToHandMadeVolumesOfTheirClass() throws Exception {
    manualVolume("manual-a-" + ns, dir.resolve("manual-a-" + ns));
    manualVolume("manual-b-" + ns, dir.resolve("manual-b-" + ns));
    cluster.create(ns, web(2, "", "").replace("accessModes: [\"ReadWriteOnce\"]",
        "storageClassName: manual\n      accessModes: [\"ReadWriteOnce\"]"));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    assertThat(List.of(cluster.claim(ns, "www-web-0").getSpec().getVolumeName(), cluster.claim(ns, "www-web-1").getSpec().getVolumeName()))
        .containsExactlyInAnyOrder("manual-a-" + ns, "manual-b-" + ns);
  }

  @Test
  void volumesMadeByHandForASetsClaimsAreUsedRatherThanNewOnes() throws Exception {
    // seed 000: a PV per member, reserved for its claim, of the default class (which provisions)
    for (int i = 0; i < 2; i++) {
      String name = "reserved-" + i + "-" + ns;
      Files.createDirectories(dir.resolve(name));
      cluster.client.persistentVolumes().resource(new PersistentVolumeBuilder()
          .withNewMetadata().withName(name).withLabels(Map.of("scenario", "retain")).endMetadata()
          .withNewSpec().withStorageClassName("local-path").withAccessModes("ReadWriteOnce")
          .withCapacity(Map.of("storage", new Quantity("1Gi"))).withPersistentVolumeReclaimPolicy("Retain")
          .withNewClaimRef().withNamespace(ns).withName("www-web-" + i).endClaimRef()
          .withNewHostPath().withPath(dir.resolve(name).toString()).endHostPath().endSpec().build()).create();
    }
    cluster.create(ns, web(2, "", ""));
    cluster.awaitStatus(ns, s -> s.getReadyReplicas() != null && s.getReadyReplicas() == 2);
    assertThat(cluster.claim(ns, "www-web-0").getSpec().getVolumeName()).isEqualTo("reserved-0-" + ns);
    assertThat(cluster.claim(ns, "www-web-1").getSpec().getVolumeName()).isEqualTo("reserved-1-" + ns);
    assertThat(cluster.client.persistentVolumes().list().getItems()).as("nothing provisioned for them")
        .noneMatch(pv -> pv.getSpec().getClaimRef() != null && ns.equals(pv.getSpec().getClaimRef().getNamespace())
            && pv.getMetadata().getName().startsWith("pvc-"));
  }
}
