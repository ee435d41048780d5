package dev.ordinal.controllers.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.MethodSource;

class AggregationPlannerTest {
  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static ObjectNode role(String name, String labels, String rules) {
    return obj("{'metadata':{'name':'" + name + "','labels':{" + labels + "}},'rules':[" + rules + "]}");
  }

  static final String READ = "{'verbs':['get'],'apiGroups':[''],'resources':['pods']}";
  static final String WRITE = "{'verbs':['create'],'apiGroups':[''],'resources':['pods']}";
  static final String SECRETS = "{'verbs':['get'],'apiGroups':[''],'resources':['secrets']}";

  static ObjectNode aggregated(String selectors, String rules) {
    return obj("{'metadata':{'name':'monitoring'},'aggregationRule':{'clusterRoleSelectors':[" + selectors + "]},'rules':[" + rules + "]}");
  }

  static Stream<Arguments> cases() {
    ObjectNode a = role("a-reader", "'agg':'yes'", READ);
    ObjectNode b = role("b-writer", "'agg':'yes','team':'x'", WRITE + "," + READ);
    ObjectNode c = role("c-secrets", "'team':'x'", SECRETS);
    ObjectNode other = role("other", "'agg':'no'", SECRETS);
    return Stream.of(
        Arguments.of("the selected roles' rules, by name, without repeats", aggregated("{'matchLabels':{'agg':'yes'}}", ""),
            List.of(b, a, c, other), "[" + READ + "," + WRITE + "]"),
        Arguments.of("selectors in order", aggregated("{'matchLabels':{'team':'x'}},{'matchLabels':{'agg':'yes'}}", ""),
            List.of(a, b, c, other), "[" + WRITE + "," + READ + "," + SECRETS + "]"),
        Arguments.of("matchExpressions", aggregated("{'matchExpressions':[{'key':'agg','operator':'In','values':['no']}]}", ""),
            List.of(a, b, c, other), "[" + SECRETS + "]"),
        Arguments.of("rules written by hand are replaced", aggregated("{'matchLabels':{'team':'x'}}", SECRETS + "," + READ),
            List.of(b, c), "[" + WRITE + "," + READ + "," + SECRETS + "]"),
        Arguments.of("nothing selected: no rules", aggregated("{'matchLabels':{'agg':'maybe'}}", READ), List.of(a), "[]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode role, List<ObjectNode> all, String expected) throws Exception {
    ArrayNode rules = AggregationPlanner.plan(role, all);
    assertThat(rules).isEqualTo(Json.MAPPER.readTree(expected.replace('\'', '"')));
  }

  @Test
  void aRoleThatHasItsRulesOrIsNotAggregatedNeedsNothing() {
    ObjectNode a = role("a-reader", "'agg':'yes'", READ);
    assertThat(AggregationPlanner.plan(aggregated("{'matchLabels':{'agg':'yes'}}", READ), List.of(a))).isNull();
    assertThat(AggregationPlanner.plan(a, List.of(a))).isNull();
    // an aggregated role that selects itself does not feed on its own rules
    ObjectNode self = obj("{'metadata':{'name':'self','labels':{'agg':'yes'}},'aggregationRule':{'clusterRoleSelectors':"
        + "[{'matchLabels':{'agg':'yes'}}]},'rules':[" + SECRETS + "]}");
    assertThat(AggregationPlanner.plan(self, List.of(self, a))).hasSize(1);
  }

  @Test
  void theDefaultsGiveAdminEverythingEditHasAndEditEverythingViewHas() {
    List<ObjectNode> roles = new java.util.ArrayList<>();
    BootstrapPolicy.defaults().stream().filter(o -> o.path("kind").asText().equals("ClusterRole")).forEach(roles::add);
    for (int pass = 0; pass < 3; pass++) { // as the controller's writes wake the roles that select them
      for (int i = 0; i < roles.size(); i++) {
        ArrayNode rules = AggregationPlanner.plan(roles.get(i), roles);
        if (rules != null) {
          roles.get(i).set("rules", rules);
        }
      }
    }
    ObjectNode admin = find(roles, "admin");
    ObjectNode edit = find(roles, "edit");
    ObjectNode view = find(roles, "view");
    assertThat(view.path("rules").toString()).contains("pods/log").doesNotContain("secrets");
    assertThat(edit.path("rules").toString()).contains("secrets", "pods/log");
    edit.path("rules").forEach(r -> assertThat(admin.path("rules")).contains(r));
    view.path("rules").forEach(r -> assertThat(edit.path("rules")).contains(r));
    assertThat(admin.path("rules").toString()).contains("rolebindings", "localsubjectaccessreviews");
    assertThat(edit.path("rules").toString()).doesNotContain("rolebindings");
  }

  private static ObjectNode find(List<ObjectNode> roles, String name) {
    return roles.stream().filter(r -> r.path("metadata").path("name").asText().equals(name)).findFirst().orElseThrow();
  }
}
