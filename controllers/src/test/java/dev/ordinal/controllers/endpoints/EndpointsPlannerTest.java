package dev.ordinal.controllers.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointsPlannerTest {
  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode pod(String name, String ip, boolean ready, String app) {
    return obj("{'metadata':{'name':'" + name + "','namespace':'d','uid':'u-" + name + "','labels':{'app':'" + app + "'}},"
        + "'spec':{'hostname':'" + name + "','subdomain':'nginx','nodeName':'n1','containers':[{'name':'c','ports':[{'name':'web','containerPort':8080}]}]},"
        + "'status':{'phase':'Running','podIP':'" + ip + "','conditions':[{'type':'Ready','status':'" + (ready ? "True" : "False") + "'}]}}");
  }

  static ObjectNode service(String extra) {
    return obj("{'metadata':{'name':'nginx','namespace':'d','uid':'svc'},'spec':{'clusterIP':'None','selector':{'app':'nginx'},"
        + "'ports':[{'name':'http','port':80,'targetPort':'web'}]" + extra + "}}");
  }

  @Test
  void readyAndNotReadyPodsWithTheirHostnamesAndNamedPorts() {
    List<ObjectNode> pods = EndpointsPlanner.selected(service(""), List.of(pod("web-1", "10.88.0.3", false, "nginx"),
        pod("web-0", "10.88.0.2", true, "nginx"), pod("other", "10.88.0.9", true, "db"), pod("web-2", "", false, "nginx")));
    ObjectNode ep = EndpointsPlanner.endpoints(service(""), pods);
    ObjectNode subset = (ObjectNode) ep.path("subsets").get(0);
    assertThat(subset.path("addresses")).hasSize(1);
    assertThat(subset.path("addresses").get(0).path("ip").asText()).isEqualTo("10.88.0.2");
    assertThat(subset.path("addresses").get(0).path("hostname").asText()).isEqualTo("web-0");
    assertThat(subset.path("addresses").get(0).path("targetRef").path("name").asText()).isEqualTo("web-0");
    assertThat(subset.path("notReadyAddresses").get(0).path("ip").asText()).isEqualTo("10.88.0.3");
    assertThat(subset.path("ports").get(0).path("port").asInt()).isEqualTo(8080);
    assertThat(ep.path("metadata").path("labels").has("service.kubernetes.io/headless")).isTrue();

    ObjectNode slice = EndpointsPlanner.slice(service(""), pods);
    assertThat(slice.path("endpoints")).hasSize(2);
    assertThat(slice.path("endpoints").get(0).path("conditions").path("ready").asBoolean()).isTrue();
    assertThat(slice.path("endpoints").get(1).path("conditions").path("ready").asBoolean()).isFalse();
    assertThat(slice.path("metadata").path("labels").path("kubernetes.io/service-name").asText()).isEqualTo("nginx");
  }

  @Test
  void publishNotReadyAddressesMakesEveryPodAnAddress() {
    ObjectNode svc = service(",'publishNotReadyAddresses':true");
    ObjectNode ep = EndpointsPlanner.endpoints(svc, List.of(pod("web-0", "10.88.0.2", false, "nginx")));
    assertThat(ep.path("subsets").get(0).path("addresses")).hasSize(1);
    assertThat(ep.path("subsets").get(0).has("notReadyAddresses")).isFalse();
  }

  @Test
  void noPodsMeansNoSubsets() {
    assertThat(EndpointsPlanner.endpoints(service(""), List.of()).has("subsets")).isFalse();
  }
}
