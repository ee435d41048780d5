package dev.ordinal.apiserver.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How an update prepares a Service's address fields, and which updates are refused, case by case. */
class ServiceClusterIpsTest {
  static final String CLUSTER = "{'type':'ClusterIP','clusterIP':'10.96.0.5','clusterIPs':['10.96.0.5'],"
      + "'ipFamilies':['IPv4'],'ipFamilyPolicy':'SingleStack'}";
  static final String HEADLESS = "{'type':'ClusterIP','clusterIP':'None','clusterIPs':['None'],'ipFamilies':['IPv4'],"
      + "'ipFamilyPolicy':'SingleStack'}";
  static final String EXTERNAL = "{'type':'ExternalName','externalName':'db.example.com'}";

  static ObjectNode spec(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  /** old spec, new spec as sent, the address fields after preparing, the errors of the update. */
  record Case(String name, String old, String sent, String prepared, List<String> errors) {}

  static final List<Case> CASES = List.of(
      new Case("a replacement without clusterIP keeps the address", CLUSTER, "{'type':'ClusterIP'}",
          "10.96.0.5 [10.96.0.5]", List.of()),
      new Case("an old client sending clusterIP alone keeps clusterIPs", CLUSTER, "{'clusterIP':'10.96.0.5'}",
          "10.96.0.5 [10.96.0.5]", List.of()),
      new Case("a changed clusterIP is refused", CLUSTER, "{'clusterIP':'10.96.0.9'}",
          "10.96.0.9 [10.96.0.9]", List.of("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.9\"}: may not change once set")),
      new Case("a changed clusterIPs is refused", CLUSTER, "{'clusterIP':'10.96.0.5','clusterIPs':['10.96.0.9']}",
          "10.96.0.5 [10.96.0.9]", List.of("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.9\"}: may not change once set",
              "spec.clusterIPs: Invalid value: []string{\"10.96.0.9\"}: first value must match `clusterIP`")),
      new Case("headless stays headless", HEADLESS, "{}", "None [None]", List.of()),
      new Case("headless may not get an address", HEADLESS, "{'clusterIP':'10.96.0.9'}", "10.96.0.9 [10.96.0.9]",
          List.of("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.9\"}: may not change once set")),
      new Case("becoming ExternalName clears the address", CLUSTER, EXTERNAL, " []", List.of()),
      new Case("becoming ExternalName from a full object clears the address and families",
          CLUSTER, CLUSTER.replace("'type':'ClusterIP'", "'type':'ExternalName','externalName':'db.example.com'"), " []", List.of()),
      new Case("headless becoming ExternalName loses None", HEADLESS, EXTERNAL, " []", List.of()),
      new Case("becoming ExternalName with another address is refused", CLUSTER,
          "{'type':'ExternalName','externalName':'db.example.com','clusterIP':'10.96.0.9'}", "10.96.0.9 []",
          List.of("spec.clusterIPs: Forbidden: may not be set for ExternalName services")),
      new Case("leaving ExternalName waits for an address", EXTERNAL, "{'type':'ClusterIP'}", " []", List.of()),
      new Case("leaving ExternalName asking for an address", EXTERNAL, "{'clusterIP':'10.96.0.7'}", "10.96.0.7 [10.96.0.7]",
          List.of()),
      new Case("leaving ExternalName for headless", EXTERNAL, "{'clusterIP':'None'}", "None [None]", List.of()),
      new Case("ExternalName needs its name", EXTERNAL, "{'type':'ExternalName'}", " []",
          List.of("spec.externalName: Required value")));

  @Test
  void updates() {
    for (Case c : CASES) {
      ObjectNode old = spec(c.old());
      ObjectNode sent = spec(c.sent());
      ServiceClusterIps.prepareForUpdate(sent, old);
      String prepared = ServiceClusterIps.clusterIp(sent) + " [" + String.join(",", ServiceClusterIps.clusterIps(sent)) + "]";
      assertThat(prepared).as(c.name()).isEqualTo(c.prepared());
      if (!ServiceClusterIps.needsClusterIp(sent)) {
        assertThat(sent.has("ipFamilies") || sent.has("ipFamilyPolicy")).as(c.name()).isFalse();
      }
      Errors errs = new Errors();
      List<FieldError> all = new java.util.ArrayList<>(ServiceClusterIps.validateUpdate(sent, old));
      ServiceClusterIps.validate(sent, errs);
      all.addAll(errs.list());
      assertThat(all.stream().map(FieldError::message).toList()).as(c.name()).isEqualTo(c.errors());
    }
  }
}
