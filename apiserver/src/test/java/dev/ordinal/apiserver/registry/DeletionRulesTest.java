package dev.ordinal.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import org.junit.jupiter.api.Test;

class DeletionRulesTest {
  private final DeletionRules rules = new DeletionRules();
  private final ResourceType pods = ResourceCatalog.standard().byPlural("", "v1", "pods").orElseThrow();
  private final ResourceType configMaps = ResourceCatalog.standard().byPlural("", "v1", "configmaps").orElseThrow();
  private final ResourceType namespaces = ResourceCatalog.standard().byPlural("", "v1", "namespaces").orElseThrow();

  private static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  @Test
  void plainObjectsGoAtOnce() {
    assertThat(rules.markForDeletion(configMaps, obj("{'metadata':{'name':'a'}}"), DeleteOptions.DEFAULT)).isNull();
  }

  @Test
  void propagationPoliciesAddTheirFinalizers() {
    ObjectNode orphan = rules.markForDeletion(configMaps, obj("{'metadata':{'name':'a'}}"), DeleteOptions.withPropagation("Orphan"));
    assertThat(Meta.finalizers(orphan)).containsExactly("orphan");
    assertThat(Meta.isDeleting(orphan)).isTrue();
    ObjectNode fg = rules.markForDeletion(configMaps, obj("{'metadata':{'name':'a'}}"), DeleteOptions.withPropagation("Foreground"));
    assertThat(Meta.finalizers(fg)).containsExactly("foregroundDeletion");
    assertThat(rules.markForDeletion(configMaps, obj("{'metadata':{'name':'a'}}"), DeleteOptions.withPropagation("Background"))).isNull();
  }

  @Test
  void boundPodsStopGracefullyAndForceDeleteEndsIt() {
    ObjectNode pod = obj("{'metadata':{'name':'p'},'spec':{'nodeName':'n1','terminationGracePeriodSeconds':20},'status':{'phase':'Running'}}");
    ObjectNode marked = rules.markForDeletion(pods, pod, DeleteOptions.DEFAULT);
    assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(20);
    assertThat(rules.readyToRemove(pods, marked)).isFalse();
    assertThat(rules.markForDeletion(pods, marked.deepCopy(), DeleteOptions.now())).isNull();
  }

  @Test
  void unscheduledAndFinishedPodsGoAtOnce() {
    assertThat(rules.markForDeletion(pods, obj("{'metadata':{'name':'p'},'spec':{}}"), DeleteOptions.DEFAULT)).isNull();
    assertThat(rules.markForDeletion(pods,
        obj("{'metadata':{'name':'p'},'spec':{'nodeName':'n'},'status':{'phase':'Succeeded'}}"), DeleteOptions.DEFAULT)).isNull();
  }

  @Test
  void namespacesWaitForTheirFinalizer() {
    ObjectNode ns = obj("{'metadata':{'name':'x'},'spec':{'finalizers':['kubernetes']},'status':{'phase':'Active'}}");
    ObjectNode marked = rules.markForDeletion(namespaces, ns, DeleteOptions.DEFAULT);
    assertThat(marked.path("status").path("phase").asText()).isEqualTo("Terminating");
    assertThat(rules.readyToRemove(namespaces, marked)).isFalse();
    marked.with("spec").remove("finalizers");
    assertThat(rules.readyToRemove(namespaces, marked)).isTrue();
  }
}
