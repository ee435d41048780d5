package dev.ordinal.controllers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which types a CRD serves, as the garbage collector and the namespace controller see them. */
class ServedTypesTest {
  record Case(String name, String crd, List<String> served) {}

  private static String crd(String status, String extraMeta, String versions) {
    return """
        {"metadata":{"name":"widgets.example.com"%s},
         "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","singular":"widget","kind":"Widget"},
          "versions":%s},
         "status":{"conditions":[{"type":"NamesAccepted","status":"True"},{"type":"Established","status":"%s"}]}}"""
        .formatted(extraMeta, versions, status);
  }

  @Test
  void aCrdServesItsServedVersionsOnceEstablished() {
    String two = """
        [{"name":"v1","served":true,"storage":true,"subresources":{"status":{},"scale":{}}},{"name":"v2","served":true},{"name":"v0","served":false}]""";
    List<Case> cases = List.of(
        new Case("established: each served version", crd("True", "", two), List.of("example.com/v1 Widget", "example.com/v2 Widget")),
        new Case("not established yet: none", crd("False", "", two), List.of()),
        new Case("being deleted: none", crd("True", ",\"deletionTimestamp\":\"2026-12-03T00:00:00Z\"", two), List.of()),
        new Case("no condition at all: none", """
            {"metadata":{"name":"x"},"spec":{"group":"g","versions":[{"name":"v1","served":true}]}}""", List.of()));
    for (Case c : cases) {
      List<ResourceType> types = ServedTypes.ofCrd(Json.parseObject(c.crd().getBytes()));
      assertThat(types.stream().map(t -> t.apiVersion() + " " + t.kind()).toList()).as(c.name()).isEqualTo(c.served());
    }
    ResourceType v1 = ServedTypes.ofCrd(Json.parseObject(crd("True", "", two).getBytes())).get(0);
    assertThat(v1.namespaced()).isTrue();
    assertThat(v1.plural()).isEqualTo("widgets");
    assertThat(v1.subresources()).containsExactlyInAnyOrder("status", "scale");
  }
}
