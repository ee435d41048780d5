package dev.ordinal.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The nat rules of Services, and what the node agent learns from them. */
class ProxyRulesTest {
  static ObjectNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes());
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
