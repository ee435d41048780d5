package dev.ordinal.apiserver.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Defaults, update preparation and validation of a Service's node ports and traffic policy, case by case. */
class ServiceExternalFieldsTest {
  static final String NODE_PORT = "{'type':'NodePort','externalTrafficPolicy':'Cluster',"
      + "'ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080},{'name':'dns','port':53,'protocol':'UDP','nodePort':30053}]}";
  static final String LB = "{'type':'LoadBalancer','externalTrafficPolicy':'Cluster','allocateLoadBalancerNodePorts':true,"
      + "'ports':[{'name':'http','port':80,'protocol':'TCP','nodePort':30080}]}";

  static ObjectNode spec(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  /** A spec as sent → after defaults → its errors. */
  record Create(String name, String sent, String defaulted, List<String> errors) {}

  static final List<Create> CREATES = List.of(
      new Create("NodePort defaults its traffic policy", "{'type':'NodePort','ports':[{'port':80}]}",
          "{'type':'NodePort','ports':[{'port':80}],'externalTrafficPolicy':'Cluster'}", List.of()),
      new Create("LoadBalancer allocates node ports by default", "{'type':'LoadBalancer','ports':[{'port':80}]}",
          "{'type':'LoadBalancer','ports':[{'port':80}],'externalTrafficPolicy':'Cluster','allocateLoadBalancerNodePorts':true}",
          List.of()),
      new Create("ClusterIP gets neither", "{'type':'ClusterIP','ports':[{'port':80}]}",
          "{'type':'ClusterIP','ports':[{'port':80}]}", List.of()),
      new Create("ClusterIP with external IPs is reached from outside", "{'type':'ClusterIP','externalIPs':['192.0.2.1'],'ports':[{'port':80}]}",
          "{'type':'ClusterIP','externalIPs':['192.0.2.1'],'ports':[{'port':80}],'externalTrafficPolicy':'Cluster'}", List.of()),
      new Create("a node port out of range", "{'type':'NodePort','ports':[{'port':80,'nodePort':80}]}", null,
          List.of("spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767")),
      new Create("a node port on a ClusterIP Service", "{'type':'ClusterIP','ports':[{'port':80,'nodePort':30080}]}", null,
          List.of("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")),
      new Create("one node port twice over TCP", "{'type':'NodePort','ports':[{'name':'a','port':80,'protocol':'TCP','nodePort':30080},"
          + "{'name':'b','port':81,'protocol':'TCP','nodePort':30080}]}", null,
          List.of("spec.ports[1].nodePort: Duplicate value: 30080")),
      new Create("one node port over TCP and UDP", "{'type':'NodePort','ports':[{'name':'a','port':53,'protocol':'TCP','nodePort':30053},"
          + "{'name':'b','port':53,'protocol':'UDP','nodePort':30053}]}", null, List.of()),
      new Create("headless NodePort", "{'type':'NodePort','clusterIP':'None','ports':[{'port':80}]}", null,
          List.of("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services")),
      new Create("headless LoadBalancer", "{'type':'LoadBalancer','clusterIP':'None','ports':[{'port':80}]}", null,
          List.of("spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services")),
      new Create("a traffic policy on a ClusterIP Service", "{'type':'ClusterIP','externalTrafficPolicy':'Local','ports':[{'port':80}]}", null,
          List.of("spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services")),
      new Create("an unknown traffic policy", "{'type':'NodePort','externalTrafficPolicy':'Near','ports':[{'port':80}]}", null,
          List.of("spec.externalTrafficPolicy: Unsupported value: \"Near\": supported values: \"Cluster\", \"Local\"")),
      new Create("allocateLoadBalancerNodePorts on a NodePort Service", "{'type':'NodePort','allocateLoadBalancerNodePorts':false,"
          + "'ports':[{'port':80}]}", null,
          List.of("spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'")),
      new Create("a health-check port without Local", "{'type':'LoadBalancer','healthCheckNodePort':30100,'ports':[{'port':80}]}", null,
          List.of("spec.healthCheckNodePort: Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'")),
      new Create("a LoadBalancer on kubelet's port", "{'type':'LoadBalancer','ports':[{'port':10250}]}", null,
          List.of("spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet")));

  @Test
  void creates() {
    for (Create c : CREATES) {
      ObjectNode s = spec(c.sent());
      ServiceExternalFields.applyDefaults(s);
      if (c.defaulted() != null) {
        assertThat(s).as(c.name()).isEqualTo(spec(c.defaulted()));
      }
      Errors errs = new Errors();
      ServiceExternalFields.validate(s, errs);
      assertThat(errs.list().stream().map(FieldError::message).toList()).as(c.name()).isEqualTo(c.errors());
    }
  }

  /** old spec, new spec as sent, the node ports and fields after preparing (and defaults), the errors. */
  record Update(String name, String old, String sent, String prepared, List<String> errors) {}

  static final List<Update> UPDATES = List.of(
      new Update("a replacement without node ports keeps them", NODE_PORT,
          "{'type':'NodePort','ports':[{'name':'http','port':80},{'name':'dns','port':53,'protocol':'UDP'}]}",
          "http=30080 dns=30053 Cluster", List.of()),
      new Update("a port matched by name keeps its node port when its number changes", NODE_PORT,
          "{'type':'NodePort','ports':[{'name':'http','port':8080}]}", "http=30080 Cluster", List.of()),
      new Update("a new port gets none from the old ones", NODE_PORT,
          "{'type':'NodePort','ports':[{'name':'web','port':80}]}", "web=- Cluster", List.of()),
      new Update("a node port another port now holds is not patched in", NODE_PORT,
          "{'type':'NodePort','ports':[{'name':'http','port':80},{'name':'dns','port':53,'protocol':'UDP','nodePort':30080}]}",
          "http=- dns=30080 Cluster", List.of()),
      new Update("a node port the client changes is its own", NODE_PORT,
          "{'type':'NodePort','ports':[{'name':'http','port':80,'nodePort':30081}]}", "http=30081 Cluster", List.of()),
      new Update("becoming ClusterIP drops node ports and the policy", NODE_PORT,
          NODE_PORT.replace("'type':'NodePort'", "'type':'ClusterIP'"), "http=- dns=- -", List.of()),
      new Update("becoming ClusterIP with a new node port is refused", NODE_PORT,
          "{'type':'ClusterIP','ports':[{'name':'http','port':80,'nodePort':30099}]}", "http=30099 -",
          List.of("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")),
      new Update("becoming ExternalName drops them", NODE_PORT,
          "{'type':'ExternalName','externalName':'db.example.com','externalTrafficPolicy':'Cluster',"
              + "'ports':[{'name':'http','port':80,'nodePort':30080}]}", "http=- -", List.of()),
      new Update("a LoadBalancer becoming NodePort keeps its node ports, loses allocateLoadBalancerNodePorts", LB,
          LB.replace("'type':'LoadBalancer'", "'type':'NodePort'"), "http=30080 Cluster", List.of()),
      new Update("a LoadBalancer that stops allocating keeps what it has", LB,
          "{'type':'LoadBalancer','allocateLoadBalancerNodePorts':false,'ports':[{'name':'http','port':80,'nodePort':30080}]}",
          "http=30080 Cluster alloc=false", List.of()),
      new Update("a LoadBalancer without allocation keeps a port it asked for", LB.replace("true", "false"),
          "{'type':'LoadBalancer','allocateLoadBalancerNodePorts':false,'ports':[{'name':'http','port':80}]}",
          "http=30080 Cluster alloc=false", List.of()),
      new Update("a Local LoadBalancer keeps its health-check port", LB.replace("'Cluster'", "'Local','healthCheckNodePort':30200"),
          "{'type':'LoadBalancer','externalTrafficPolicy':'Local','ports':[{'name':'http','port':80}]}",
          "http=30080 Local alloc=true health=30200", List.of()),
      new Update("going back to Cluster drops it", LB.replace("'Cluster'", "'Local','healthCheckNodePort':30200"),
          LB.replace("'Cluster'", "'Cluster','healthCheckNodePort':30200"), "http=30080 Cluster alloc=true", List.of()));

  @Test
  void updates() {
    for (Update c : UPDATES) {
      ObjectNode old = spec(c.old());
      ObjectNode sent = spec(c.sent());
      ServiceExternalFields.prepareForUpdate(sent, old);
      ServiceExternalFields.applyDefaults(sent);
      assertThat(render(sent)).as(c.name()).isEqualTo(c.prepared());
      Errors errs = new Errors();
      ServiceExternalFields.validate(sent, errs);
      assertThat(errs.list().stream().map(FieldError::message).toList()).as(c.name()).isEqualTo(c.errors());
    }
  }

  private static String render(ObjectNode spec) {
    StringBuilder b = new StringBuilder();
    spec.path("ports").forEach(p -> b.append(p.path("name").asText()).append('=')
        .append(p.has("nodePort") ? p.path("nodePort").asText() : "-").append(' '));
    b.append(spec.path("externalTrafficPolicy").asText("-"));
    if (spec.path("type").asText().equals("LoadBalancer") || c(spec, "allocateLoadBalancerNodePorts")) {
      b.append(" alloc=").append(spec.has("allocateLoadBalancerNodePorts") ? spec.path("allocateLoadBalancerNodePorts").asText() : "-");
    }
    if (spec.has("healthCheckNodePort")) {
      b.append(" health=").append(spec.path("healthCheckNodePort").asText());
    }
    return b.toString();
  }

  private static boolean c(ObjectNode spec, String field) {
    return spec.has(field);
  }
}
