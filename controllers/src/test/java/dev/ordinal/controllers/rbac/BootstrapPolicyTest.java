package dev.ordinal.controllers.rbac;

import static dev.ordinal.controllers.rbac.AggregationPlannerTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class BootstrapPolicyTest {
  @Test
  void theDefaultsAreLabelledAndBindTheirGroups() {
    var defaults = BootstrapPolicy.defaults();
    assertThat(defaults).allSatisfy(o -> {
      assertThat(o.path("metadata").path("labels").path("kubernetes.io/bootstrapping").asText()).isEqualTo("rbac-defaults");
      assertThat(o.path("metadata").path("annotations").path(BootstrapPolicy.AUTOUPDATE).asText()).isEqualTo("true");
    });
    ObjectNode masters = defaults.stream().filter(o -> o.path("kind").asText().equals("ClusterRoleBinding")
        && o.path("metadata").path("name").asText().equals("cluster-admin")).findFirst().orElseThrow();
    assertThat(masters.path("subjects").get(0).path("name").asText()).isEqualTo("system:masters");
    assertThat(masters.path("roleRef").path("name").asText()).isEqualTo("cluster-admin");
    ObjectNode gc = defaults.stream().filter(o -> o.path("metadata").path("name").asText()
        .equals("system:controller:generic-garbage-collector") && o.path("kind").asText().equals("ClusterRoleBinding")).findFirst().orElseThrow();
    assertThat(gc.path("subjects").get(0).toString()).isEqualTo(
        "{\"kind\":\"ServiceAccount\",\"name\":\"generic-garbage-collector\",\"namespace\":\"kube-system\"}");
  }

  @Test
  void anExistingDefaultGetsBackWhatIsMissingAndKeepsWhatWasAdded() {
    ObjectNode wanted = obj("{'metadata':{'name':'r','labels':{'kubernetes.io/bootstrapping':'rbac-defaults'},"
        + "'annotations':{'rbac.authorization.k8s.io/autoupdate':'true'}},'rules':[{'verbs':['get'],'apiGroups':[''],'resources':['pods']}]}");
    ObjectNode edited = obj("{'metadata':{'name':'r','annotations':{'rbac.authorization.k8s.io/autoupdate':'true'}},"
        + "'rules':[{'verbs':['list'],'apiGroups':[''],'resources':['nodes']}]}");
    ObjectNode merged = BootstrapPolicy.reconcile(edited, wanted);
    assertThat(merged.path("rules")).hasSize(2);
    assertThat(merged.path("metadata").path("labels").path("kubernetes.io/bootstrapping").asText()).isEqualTo("rbac-defaults");
    assertThat(BootstrapPolicy.reconcile(merged, wanted)).as("nothing more to do").isNull();
    edited.with("metadata").with("annotations").put(BootstrapPolicy.AUTOUPDATE, "false");
    assertThat(BootstrapPolicy.reconcile(edited, wanted)).as("left alone").isNull();
  }
}
