package dev.ordinal.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The nat and filter rules of Services, and what the node agent learns from them. */
class ProxyRulesTest {
  static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes());
  }

  @Test
  void aPortWithoutEndpointsIsRejectedFromTheFilterTableNotTheNatTable() {
    ObjectNode ready = json("{'metadata':{'namespace':'default','name':'web'},'spec':{'clusterIP':'10.96.0.5','ports':[{'port':80,'protocol':'TCP'}]}}");
    ObjectNode empty = json("{'metadata':{'namespace':'default','name':'held'},'spec':{'clusterIP':'10.96.0.6','ports':[{'port':80,'protocol':'TCP'}]}}");
    ObjectNode ep = json("{'subsets':[{'addresses':[{'ip':'10.88.0.7'}],'ports':[{'port':8080}]}]}");
    String rules = ProxyRules.render(List.of(ready, empty), (ns, name) -> name.equals("web") ? Optional.of(ep) : Optional.empty(), "10.88.0.0/16");
    String filter = rules.substring(0, rules.indexOf("*nat"));
    String nat = rules.substring(rules.indexOf("*nat"));
    assertThat(filter).startsWith("*filter\n:ORDINAL-REJECT - [0:0]\n")
        .contains("-A ORDINAL-REJECT -d 10.96.0.6/32 -p tcp --dport 80 -m comment --comment \"default/held has no endpoints\" -j REJECT")
        .endsWith("COMMIT\n");
    assertThat(nat).doesNotContain("REJECT").doesNotContain("10.96.0.6")
        .contains("-A ORDINAL-SERVICES -d 10.96.0.5/32 -p tcp --dport 80 -m comment --comment \"default/web\" -j ORD-SVC-")
        .contains("-j DNAT --to-destination 10.88.0.7:8080");
  }

  static final ObjectNode WEB = json("{'metadata':{'namespace':'d','name':'web'},"
      + "'spec':{'clusterIP':'10.96.0.10','ports':[{'name':'http','port':80}]}}");
  static final ObjectNode HEADLESS = json("{'metadata':{'namespace':'d','name':'peers'},"
      + "'spec':{'clusterIP':'None','ports':[{'name':'http','port':80}]}}");

  @Test
  void theDestinationsAreTheReadyEndpointsOfServicesWithAnAddress() {
    ObjectNode web = json("{'subsets':[{'addresses':[{'ip':'10.88.0.2'},{'ip':'10.88.0.3'}],"
        + "'notReadyAddresses':[{'ip':'10.88.0.4'}],'ports':[{'name':'http','port':8080}]}]}");
    ObjectNode peers = json("{'subsets':[{'addresses':[{'ip':'10.88.0.9'}],'ports':[{'name':'http','port':80}]}]}");
    String rules = ProxyRules.render(List.of(WEB, HEADLESS),
        (ns, name) -> Optional.of(name.equals("web") ? web : peers), "10.88.0.0/16");
    assertThat(rules).contains("-j DNAT --to-destination 10.88.0.2:8080");
    assertThat(ProxyRules.destinations(rules)).containsExactlyInAnyOrder("10.88.0.2", "10.88.0.3");
  }

  @Test
  void aServiceWithoutEndpointsRejectsAndRoutesNowhere() {
    String rules = ProxyRules.render(List.of(WEB), (ns, name) -> Optional.empty(), "10.88.0.0/16");
    assertThat(rules).contains("-j REJECT");
    assertThat(ProxyRules.destinations(rules)).isEmpty();
  }
}
