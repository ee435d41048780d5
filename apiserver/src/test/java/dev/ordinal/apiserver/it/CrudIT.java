package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.junit.jupiter.api.Test;

/** Create, read, update, patch and delete through the fabric8 client over HTTP. */
class CrudIT extends ApiServerTestBase {

  static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).addToLabels("app", "crud").endMetadata()
        .addToData("k", "v").build();
  }

  static StatefulSet statefulSet(String name) {
    return new StatefulSetBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withServiceName(name).withReplicas(2)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("nginx").withImage("nginx:1.27").endContainer().endSpec()
        .endTemplate().endSpec().build();
  }

  @Test
  void createGetUpdateDelete() {
    ConfigMap created = api.client.configMaps().resource(configMap("cm1")).create();
    assertThat(created.getMetadata().getUid()).isNotEmpty();
    assertThat(created.getMetadata().getCreationTimestamp()).isNotEmpty();
    assertThat(created.getMetadata().getResourceVersion()).isNotEmpty();

    ConfigMap got = api.client.configMaps().withName("cm1").get();
    assertThat(got.getData()).containsEntry("k", "v");

    got.getData().put("k", "v2");
    ConfigMap updated = api.client.configMaps().resource(got).update();
    assertThat(Long.parseLong(updated.getMetadata().getResourceVersion()))
        .isGreaterThan(Long.parseLong(created.getMetadata().getResourceVersion()));

    assertThat(api.client.configMaps().withName("cm1").delete()).hasSize(1);
    assertThat(api.client.configMaps().withName("cm1").get()).isNull();
  }

  @Test
  void duplicateNamesAreConflicts() {
    api.client.configMaps().resource(configMap("dup")).create();
    assertThatThrownBy(() -> api.client.configMaps().resource(configMap("dup")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(409);
          assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
        });
  }

  @Test
  void staleResourceVersionIsAConflict() {
    ConfigMap first = api.client.configMaps().resource(configMap("stale")).create();
    ConfigMap copy = new ConfigMapBuilder(first).build();
    first.getData().put("k", "a");
    api.client.configMaps().resource(first).update();
    copy.getData().put("k", "b");
    assertThatThrownBy(() -> api.client.configMaps().resource(copy).update())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(409));
    assertThat(api.client.configMaps().withName("stale").get().getData()).containsEntry("k", "a");
  }

  @Test
  void generateNameMakesAUniqueName() {
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withGenerateName("gen-").endMetadata().build();
    ConfigMap a = api.client.configMaps().resource(cm).create();
    ConfigMap b = api.client.configMaps().resource(cm).create();
    assertThat(a.getMetadata().getName()).startsWith("gen-").hasSize(9).isNotEqualTo(b.getMetadata().getName());
  }

  @Test
  void missingObjectsAndNamespacesAre404() {
    assertThat(api.client.configMaps().withName("absent").get()).isNull();
    assertThatThrownBy(() -> api.client.configMaps().inNamespace("nowhere").resource(configMap("x")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void invalidObjectsAre422WithFieldPaths() {
    assertThatThrownBy(() -> api.client.configMaps().resource(configMap("Not_A_Name")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getDetails().getCauses()).anySatisfy(c -> assertThat(c.getField()).isEqualTo("metadata.name"));
        });
  }

  @Test
  void labelAndFieldSelectorsFilterLists() {
    api.client.configMaps().resource(new ConfigMapBuilder(configMap("sel-a")).editMetadata().addToLabels("tier", "a").endMetadata().build()).create();
    api.client.configMaps().resource(new ConfigMapBuilder(configMap("sel-b")).editMetadata().addToLabels("tier", "b").endMetadata().build()).create();
    assertThat(api.client.configMaps().withLabel("tier", "a").list().getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("sel-a");
    assertThat(api.client.configMaps().withLabelIn("tier", "a", "b").list().getItems()).hasSize(2);
    assertThat(api.client.configMaps().withoutLabel("tier", "a").withLabel("tier").list().getItems())
        .extracting(c -> c.getMetadata().getName()).containsExactly("sel-b");
    assertThat(api.client.configMaps().withField("metadata.name", "sel-b").list().getItems()).hasSize(1);
  }

  @Test
  void listsPageWithLimitAndContinue() {
    for (int i = 0; i < 7; i++) {
      api.client.configMaps().inNamespace("default").resource(new ConfigMapBuilder(configMap("page-" + i))
          .editMetadata().addToLabels("paged", "yes").endMetadata().build()).create();
    }
    var first = api.client.configMaps().withLabel("paged", "yes").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(3L).build());
    assertThat(first.getItems()).hasSize(3);
    assertThat(first.getMetadata().getContinue()).isNotEmpty();
    var second = api.client.configMaps().withLabel("paged", "yes").list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
        .withLimit(5L).withContinue(first.getMetadata().getContinue()).build());
    assertThat(second.getItems()).hasSize(4);
    assertThat(second.getMetadata().getContinue()).isNullOrEmpty();
  }

  @Test
  void allThreePatchTypes() {
    api.client.apps().statefulSets().resource(statefulSet("patched")).create();
    var sts = api.client.apps().statefulSets().withName("patched");
    sts.patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"labels\":{\"m\":\"1\"}}}");
    sts.patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]");
    sts.patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox\"}]}}}}");
    StatefulSet got = sts.get();
    assertThat(got.getMetadata().getLabels()).containsEntry("m", "1");
    assertThat(got.getSpec().getReplicas()).isEqualTo(4);
    assertThat(got.getSpec().getTemplate().getSpec().getContainers()).extracting(c -> c.getName())
        .containsExactlyInAnyOrder("nginx", "sidecar");
    assertThat(got.getMetadata().getGeneration()).isEqualTo(3);
  }

  @Test
  void statusAndSpecAreWrittenSeparately() {
    StatefulSet created = api.client.apps().statefulSets().resource(statefulSet("split")).create();
    created.setStatus(new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder().withReplicas(2).withReadyReplicas(1).build());
    created.getSpec().setReplicas(9);
    StatefulSet afterStatus = api.client.apps().statefulSets().resource(created).updateStatus();
    assertThat(afterStatus.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(afterStatus.getSpec().getReplicas()).isEqualTo(2);
    afterStatus.getStatus().setReadyReplicas(0);
    afterStatus.getSpec().setReplicas(3);
    StatefulSet afterMain = api.client.apps().statefulSets().resource(afterStatus).update();
    assertThat(afterMain.getStatus().getReadyReplicas()).isEqualTo(1);
    assertThat(afterMain.getSpec().getReplicas()).isEqualTo(3);
    assertThat(afterMain.getMetadata().getGeneration()).isEqualTo(2);
  }

  @Test
  void scaleSubresource() {
    api.client.apps().statefulSets().resource(statefulSet("scaled")).create();
    api.client.apps().statefulSets().withName("scaled").scale(5);
    assertThat(api.client.apps().statefulSets().withName("scaled").get().getSpec().getReplicas()).isEqualTo(5);
  }

  @Test
  void dryRunWritesNothing() {
    api.client.configMaps().resource(configMap("dry")).dryRun().create();
    assertThat(api.client.configMaps().withName("dry").get()).isNull();
  }

  @Test
  void podsStartPendingAndBoundPodsDeleteGracefully() {
    Pod pod = new PodBuilder().withNewMetadata().withName("p1").endMetadata()
        .withNewSpec().withNodeName("node-a").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build();
    Pod created = api.client.pods().resource(pod).create();
    assertThat(created.getStatus().getPhase()).isEqualTo("Pending");
    api.client.pods().withName("p1").delete();
    Pod terminating = api.client.pods().withName("p1").get();
    assertThat(terminating.getMetadata().getDeletionTimestamp()).isNotNull();
    api.client.pods().withName("p1").withGracePeriod(0).delete();
    assertThat(api.client.pods().withName("p1").get()).isNull();
  }

  @Test
  void finalizersHoldDeletion() {
    api.client.configMaps().resource(new ConfigMapBuilder(configMap("held")).editMetadata().addToFinalizers("example.com/hold").endMetadata().build()).create();
    api.client.configMaps().withName("held").delete();
    ConfigMap held = api.client.configMaps().withName("held").get();
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
    held.getMetadata().setFinalizers(java.util.List.of());
    api.client.configMaps().resource(held).update();
    assertThat(api.client.configMaps().withName("held").get()).isNull();
  }

  @Test
  void claimsWithoutAClassGetTheDefaultOne() {
    api.client.storage().v1().storageClasses().resource(new io.fabric8.kubernetes.api.model.storage.StorageClassBuilder()
        .withNewMetadata().withName("fast").addToAnnotations("storageclass.kubernetes.io/is-default-class", "true").endMetadata()
        .withProvisioner("ordinal.dev/local-path").build()).create();
    var claim = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder().withNewMetadata().withName("data").endMetadata()
        .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage", new io.fabric8.kubernetes.api.model.Quantity("1Gi"))
        .endResources().endSpec().build();
    assertThat(api.client.persistentVolumeClaims().resource(claim).create().getSpec().getStorageClassName()).isEqualTo("fast");
    var explicit = new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder(claim).editMetadata().withName("none").endMetadata()
        .editSpec().withStorageClassName("").endSpec().build();
    assertThat(api.client.persistentVolumeClaims().resource(explicit).create().getSpec().getStorageClassName()).isEmpty();
  }

  @Test
  void aNoOpUpdateKeepsTheResourceVersion() {
    ConfigMap created = api.client.configMaps().resource(configMap("noop")).create();
    ConfigMap again = api.client.configMaps().resource(created).update();
    assertThat(again.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
    ConfigMap patched = api.client.configMaps().withName("noop").patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"k\":\"v\"}}");
    assertThat(patched.getMetadata().getResourceVersion()).isEqualTo(created.getMetadata().getResourceVersion());
  }
}
