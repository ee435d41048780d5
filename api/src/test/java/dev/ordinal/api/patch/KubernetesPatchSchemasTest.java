package dev.ordinal.api.patch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import org.junit.jupiter.api.Test;

class KubernetesPatchSchemasTest {

  private static PatchSchema kind(String key) {
    return KubernetesPatchSchemas.forKind(key).orElseThrow();
  }

  @Test
  void everyServedTypeHasASchema() {
    for (ResourceType type : ResourceCatalog.standard().all()) {
      assertThat(KubernetesPatchSchemas.forType(type)).as(type.kind()).isPresent();
    }
  }

  @Test
  void theSameFieldNameMergesDifferentlyUnderDifferentParents() {
    assertThat(kind("v1/Pod").at("spec.containers").listStrategy("ports"))
        .isEqualTo(ListStrategy.mergeBy("containerPort"));
    assertThat(kind("v1/Service").at("spec").listStrategy("ports")).isEqualTo(ListStrategy.mergeBy("port"));
  }

  @Test
  void podTemplatesInWorkloadsShareThePodSpecTags() {
    PatchSchema template = kind("apps/v1/StatefulSet").at("spec.template.spec");
    assertThat(template.listStrategy("containers")).isEqualTo(ListStrategy.mergeBy("name"));
    assertThat(template.at("containers").listStrategy("env")).isEqualTo(ListStrategy.mergeBy("name"));
    assertThat(template.at("containers").listStrategy("volumeMounts")).isEqualTo(ListStrategy.mergeBy("mountPath"));
    assertThat(template.listStrategy("topologySpreadConstraints")).isEqualTo(ListStrategy.mergeBy("topologyKey"));
    assertThat(template.listStrategy("hostAliases")).isEqualTo(ListStrategy.mergeBy("ip"));
    assertThat(template.field("volumes").retainKeys()).isTrue();
  }

  @Test
  void untaggedListsAreAtomic() {
    assertThat(kind("v1/Pod").at("spec").listStrategy("tolerations")).isEqualTo(ListStrategy.ATOMIC);
    assertThat(kind("v1/Pod").at("spec").listStrategy("readinessGates")).isEqualTo(ListStrategy.ATOMIC);
    assertThat(kind("apps/v1/StatefulSet").at("spec").listStrategy("volumeClaimTemplates"))
        .isEqualTo(ListStrategy.ATOMIC);
    assertThat(kind("v1/Namespace").at("spec").listStrategy("finalizers")).isEqualTo(ListStrategy.ATOMIC);
  }

  @Test
  void metadataListsMerge() {
    PatchSchema meta = kind("v1/ConfigMap").at("metadata");
    assertThat(meta.listStrategy("finalizers")).isEqualTo(ListStrategy.MERGE_PRIMITIVES);
    assertThat(meta.listStrategy("ownerReferences")).isEqualTo(ListStrategy.mergeBy("uid"));
  }
}
