package dev.ordinal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wired control plane over HTTP: bootstrap objects, garbage collection, namespace deletion, the data dir. */
class ControlPlaneIT {
  @TempDir static Path dir;
  static ControlPlane plane;
  static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    plane = ControlPlane.start(DataDir.open(dir.resolve("data")), "127.0.0.1", 0);
    Config config = Config.fromKubeconfig(Files.readString(plane.dataDir().kubeconfig()));
    client = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    plane.close();
  }

  static ConfigMap owner(String name) {
    return client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  static ConfigMap dependent(String name, ConfigMap owner) {
    return client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName(name)
        .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
            .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
            .withController(true).withBlockOwnerDeletion(true).build())
        .endMetadata().build()).create();
  }

  @Test
  void startsWithTheSystemNamespacesAndAPrivateDataDir() throws Exception {
    assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
        .contains("default", "kube-system", "kube-public", "kube-node-lease");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data")))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plane.dataDir().kubeconfig()))).isEqualTo("rw-------");
    assertThat(Files.readString(plane.dataDir().kubeconfig())).contains("token: " + plane.token(), "current-context: ordinal");
    assertThat(client.services().inNamespace("default").withName("kubernetes").get().getSpec().getClusterIP()).isEqualTo("10.96.0.1");
    assertThat(client.endpoints().inNamespace("default").withName("kubernetes").get().getSubsets().get(0).getPorts().get(0).getPort())
        .isEqualTo(plane.port());
  }

  @Test
  void backgroundDeletionCollectsDependents() {
    ConfigMap o = owner("bg-owner");
    dependent("bg-dep", o);
    client.configMaps().withName("bg-owner").withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.configMaps().withName("bg-dep").get() == null);
  }

  @Test
  void foregroundDeletionRemovesDependentsFirst() {
    ConfigMap o = owner("fg-owner");
    dependent("fg-dep", o);
    client.configMaps().withName("fg-owner").withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.configMaps().withName("fg-owner").get() == null);
    assertThat(client.configMaps().withName("fg-dep").get()).isNull();
  }

  @Test
  void orphanDeletionKeepsDependentsWithoutTheReference() {
    ConfigMap o = owner("or-owner");
    dependent("or-dep", o);
    client.configMaps().withName("or-owner").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.configMaps().withName("or-owner").get() == null);
    assertThat(client.configMaps().withName("or-dep").get().getMetadata().getOwnerReferences()).isEmpty();
  }

  @Test
  void dependentsOfAnOwnerThatNeverExistedAreCollected() {
    ConfigMap ghost = new ConfigMapBuilder().withNewMetadata().withName("ghost").withUid("00000000-0000-0000-0000-000000000000").endMetadata().build();
    dependent("ghost-dep", ghost);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.configMaps().withName("ghost-dep").get() == null);
  }

  @Test
  void deletingANamespaceEmptiesItFirst() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("doomed").endMetadata().build()).create();
    client.configMaps().inNamespace("doomed").resource(new ConfigMapBuilder().withNewMetadata().withName("inside").endMetadata().build()).create();
    client.namespaces().withName("doomed").delete();
    var terminating = client.namespaces().withName("doomed").get();
    if (terminating != null) {
      assertThat(terminating.getStatus().getPhase()).isEqualTo("Terminating");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> client.namespaces().withName("doomed").get() == null);
    assertThat(client.configMaps().inNamespace("doomed").withName("inside").get()).isNull();
  }
}
