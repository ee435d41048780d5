package dev.ordinal.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.schema.CustomSchemas;
import dev.ordinal.apiserver.printing.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The list types server-side apply reads through CustomSchemas, and the JSONPath of printer columns. */
class ServedCustomSchemasTest {
  @Test
  void listTypesAndMapKeysAtAPath() {
    ServedCustomSchemas schemas = new ServedCustomSchemas();
    schemas.put("widgets.example.com", Map.of("example.com/v1/Widget", CustomResourceSchemaTest.SCHEMA));
    assertThat(schemas.listType("example.com/v1", "Widget", List.of("spec", "ports")))
        .contains(new CustomSchemas.ListType("map", List.of("name")));
    assertThat(schemas.listType("example.com/v1", "Widget", List.of("spec", "tags"))).contains(new CustomSchemas.ListType("set", List.of()));
    assertThat(schemas.listType("example.com/v1", "Widget", List.of("spec", "size"))).as("not a list").isEmpty();
    assertThat(schemas.listType("example.com/v1", "Gadget", List.of("spec", "ports"))).isEmpty();
    schemas.remove("widgets.example.com");
    assertThat(schemas.schema("example.com/v1", "Widget")).isEmpty();
  }

  @Test
  void jsonPathsOfPrinterColumns() {
    ObjectNode o = (ObjectNode) CustomResourceSchemaTest.json("""
        {"spec":{"replicas":3,"items":["a","b"]},"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"Other","status":"False"}]}}""");
    assertThat(JsonPath.parse(".spec.replicas").find(o).get(0).asLong()).isEqualTo(3);
    assertThat(JsonPath.parse(".spec.items[1]").find(o).get(0).asText()).isEqualTo("b");
    assertThat(JsonPath.parse(".spec.items[*]").find(o)).hasSize(2);
    assertThat(JsonPath.parse(".status.conditions[?(@.type==\"Ready\")].status").find(o).get(0).asText()).isEqualTo("True");
    assertThat(JsonPath.parse("{.status.missing}").find(o)).isEmpty();
  }
}
