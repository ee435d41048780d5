package dev.ordinal.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rules' text for a Service with a ready endpoint and one without. */
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
}
