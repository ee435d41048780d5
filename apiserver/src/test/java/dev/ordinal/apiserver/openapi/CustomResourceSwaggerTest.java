package dev.ordinal.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.api.schema.CustomSchemas;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Custom resources in /openapi/v2: upstream's v2 form of their schemas, and a document that follows the CRDs. */
class CustomResourceSwaggerTest {
  private static final ResourceType WIDGET = new ResourceType("example.com", "v1", "widgets", "widget", "Widget", true,
      List.of("wd"), List.of(), Set.of("status"), GenericKubernetesResource.class);

  /** One case: a v3 schema and its v2 form. */
  record Case(String name, String v3, String v2) {}

  @Test
  void schemasLoseWhatV2CannotSay() {
    List<Case> cases = List.of(
        new Case("junctors go", """
            {"type":"object","properties":{"a":{"type":"string","anyOf":[{"pattern":"x"}],"allOf":[{}],"not":{}}}}""",
            """
            {"type":"object","properties":{"a":{"type":"string"}}}"""),
        new Case("nullable: untyped, no properties, not required", """
            {"type":"object","required":["a","b"],"properties":{"a":{"type":"object","nullable":true,"properties":{"x":{"type":"string"}}},"b":{"type":"string"}}}""",
            """
            {"type":"object","required":["b"],"properties":{"a":{},"b":{"type":"string"}}}"""),
        new Case("the only required field nullable: no required list", """
            {"type":"object","required":["a"],"properties":{"a":{"type":"string","nullable":true}}}""",
            """
            {"type":"object","properties":{"a":{}}}"""),
        new Case("unknown fields kept: untyped object", """
            {"type":"object","properties":{"cfg":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"k":{"type":"string"}}}}}""",
            """
            {"type":"object","properties":{"cfg":{"x-kubernetes-preserve-unknown-fields":true}}}"""),
        new Case("an array without items loses its type", """
            {"type":"object","properties":{"l":{"type":"array","x-kubernetes-preserve-unknown-fields":true,"items":{"type":"string"}}}}""",
            """
            {"type":"object","properties":{"l":{"x-kubernetes-preserve-unknown-fields":true}}}"""),
        new Case("nested in items and additionalProperties; validations kept", """
            {"type":"object","properties":{"l":{"type":"array","items":{"type":"object","properties":{"n":{"type":"integer","minimum":1,"nullable":true}}}},
             "m":{"type":"object","additionalProperties":{"type":"string","maxLength":3,"oneOf":[{}]}}}}""",
            """
            {"type":"object","properties":{"l":{"type":"array","items":{"type":"object","properties":{"n":{"minimum":1}}}},
             "m":{"type":"object","additionalProperties":{"type":"string","maxLength":3}}}}"""));
    for (Case c : cases) {
      ObjectNode s = Json.parseObject(c.v3().getBytes());
      CustomResourceSwagger.toV2(s);
      assertThat(s).as(c.name()).isEqualTo(Json.parseObject(c.v2().getBytes()));
    }
  }

  @Test
  void theDocumentServesACustomResourceAndFollowsItsCrd() {
    ResourceCatalog live = ResourceCatalog.standard().mutableCopy();
    Map<String, JsonNode> served = new ConcurrentHashMap<>();
    CustomSchemas schemas = new CustomSchemas() {
      @Override
      public Optional<JsonNode> schema(String apiVersion, String kind) {
        return Optional.ofNullable(served.get(apiVersion + "/" + kind));
      }

      @Override
      public Optional<ListType> listType(String apiVersion, String kind, List<String> path) {
        return Optional.empty();
      }
    };
    OpenApiV2 v2 = new OpenApiV2(ResourceCatalog.standard(), live, schemas);
    String before = v2.json().etag();
    assertThat(Json.parseObject(v2.json().bytes()).path("definitions").has("com.example.v1.Widget")).isFalse();

    live.serve("example.com", "widgets", List.of(WIDGET));
    served.put("example.com/v1/Widget", Json.parseObject("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer","maximum":10}}}}}""".getBytes()));
    ObjectNode doc = Json.parseObject(v2.json().bytes());
    JsonNode widget = doc.path("definitions").path("com.example.v1.Widget");
    assertThat(widget.path("properties").path("spec").path("properties").path("size").path("maximum").asInt()).isEqualTo(10);
    assertThat(widget.path("properties").has("metadata")).isTrue();
    assertThat(widget.path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Widget");
    JsonNode get = doc.path("paths").path("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}").path("get");
    assertThat(get.path("responses").path("200").path("schema").path("$ref").asText()).isEqualTo("#/definitions/com.example.v1.Widget");
    String with = v2.json().etag();
    assertThat(with).isNotEqualTo(before);
    assertThat(v2.protobuf().etag()).isEqualTo(with);
    assertThat(v2.protobuf().bytes().length).isGreaterThan(0); // every member of the CRD's schema has an encoding

    live.unserve("example.com", "widgets");
    served.clear();
    assertThat(v2.json().etag()).isEqualTo(before);
  }
}
