package dev.ordinal.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.crd.schema.CelRules;
import dev.ordinal.apiserver.crd.schema.Defaulter;
import dev.ordinal.apiserver.crd.schema.Pruner;
import dev.ordinal.apiserver.crd.schema.SchemaValidator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Tables of custom resources against one structural schema: validation, pruning, defaulting, CEL. */
class CustomResourceSchemaTest {
  static final JsonNode SCHEMA = json("""
      {"type":"object","properties":{
        "spec":{"type":"object","required":["size"],
          "x-kubernetes-validations":[
            {"rule":"self.replicas <= self.maxReplicas","messageExpression":"'replicas ' + string(self.replicas) + ' above ' + string(self.maxReplicas)"},
            {"rule":"self.size == oldSelf.size","message":"size is immutable"}],
          "properties":{
            "size":{"type":"string","enum":["small","large"]},
            "replicas":{"type":"integer","minimum":0,"maximum":10,"default":1},
            "maxReplicas":{"type":"integer","default":5},
            "name":{"type":"string","pattern":"^[a-z]+$","minLength":2,"maxLength":8},
            "port":{"x-kubernetes-int-or-string":true},
            "when":{"type":"string","format":"date-time"},
            "note":{"type":"string","nullable":true},
            "tags":{"type":"array","maxItems":3,"x-kubernetes-list-type":"set","items":{"type":"string"}},
            "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer","default":80}}}},
            "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"string"}}},
            "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object","properties":{"x":{"type":"string"}}}}},
            "labels":{"type":"object","additionalProperties":{"type":"string"}}}},
        "status":{"type":"object","properties":{"ready":{"type":"integer"}}}}}
      """);

  static JsonNode json(String s) {
    return Json.parseObject(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  static ObjectNode cr(String spec) {
    return (ObjectNode) json("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":" + spec + "}");
  }

  static Stream<Arguments> validation() {
    return Stream.of(
        Arguments.of("valid", "{\"size\":\"small\",\"replicas\":2}", List.of()),
        Arguments.of("wrong type", "{\"size\":\"small\",\"replicas\":\"two\"}",
            List.of("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")),
        Arguments.of("required", "{}", List.of("spec.size: Required value")),
        Arguments.of("enum", "{\"size\":\"huge\"}", List.of("spec.size: Unsupported value: \"huge\": supported values: \"small\", \"large\"")),
        Arguments.of("minimum", "{\"size\":\"small\",\"replicas\":-1}",
            List.of("spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0")),
        Arguments.of("maximum", "{\"size\":\"small\",\"replicas\":11}",
            List.of("spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10")),
        Arguments.of("pattern", "{\"size\":\"small\",\"name\":\"AB\"}",
            List.of("spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'")),
        Arguments.of("minLength", "{\"size\":\"small\",\"name\":\"a\"}",
            List.of("spec.name: Invalid value: \"a\": spec.name in body should be at least 2 chars long")),
        Arguments.of("maxLength", "{\"size\":\"small\",\"name\":\"abcdefghi\"}", List.of("spec.name: Too long: may not be more than 8 bytes")),
        Arguments.of("int-or-string int", "{\"size\":\"small\",\"port\":80}", List.of()),
        Arguments.of("int-or-string string", "{\"size\":\"small\",\"port\":\"http\"}", List.of()),
        Arguments.of("int-or-string bool", "{\"size\":\"small\",\"port\":true}",
            List.of("spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"")),
        Arguments.of("date-time", "{\"size\":\"small\",\"when\":\"yesterday\"}",
            List.of("spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"")),
        Arguments.of("nullable", "{\"size\":\"small\",\"note\":null}", List.of()),
        Arguments.of("not nullable", "{\"size\":null}",
            List.of("spec.size: Invalid value: \"null\": spec.size in body must be of type string: \"null\"")),
        Arguments.of("maxItems", "{\"size\":\"small\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", List.of("spec.tags: Too many: 4: must have at most 3 items")),
        Arguments.of("set duplicate", "{\"size\":\"small\",\"tags\":[\"a\",\"a\"]}", List.of("spec.tags[1]: Duplicate value: \"a\"")),
        Arguments.of("map key duplicate", "{\"size\":\"small\",\"ports\":[{\"name\":\"http\"},{\"name\":\"http\"}]}",
            List.of("spec.ports[1]: Duplicate value: map[string]interface {}{\"name\":\"http\"}")),
        Arguments.of("items", "{\"size\":\"small\",\"ports\":[{\"name\":1}]}",
            List.of("spec.ports[0].name: Invalid value: \"integer\": spec.ports[0].name in body must be of type string: \"integer\"")),
        Arguments.of("additionalProperties", "{\"size\":\"small\",\"labels\":{\"a\":1}}",
            List.of("spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void validation(String name, String spec, List<String> expected) {
    List<FieldError> errors = SchemaValidator.validate(cr(spec), SCHEMA, "");
    assertThat(errors.stream().map(FieldError::message)).containsExactlyElementsOf(expected);
  }

  static Stream<Arguments> pruning() {
    return Stream.of(
        Arguments.of("unknown field dropped", "{\"size\":\"small\",\"sise\":1}", "{\"size\":\"small\"}", List.of("spec.sise")),
        Arguments.of("preserve-unknown keeps", "{\"free\":{\"known\":\"a\",\"other\":{\"x\":1}}}",
            "{\"free\":{\"known\":\"a\",\"other\":{\"x\":1}}}", List.of()),
        Arguments.of("embedded keeps type meta, prunes below", "{\"template\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
            + "\"spec\":{\"x\":\"a\",\"y\":\"b\"}}}",
            "{\"template\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"x\":\"a\"}}}",
            List.of("spec.template.spec.y")),
        Arguments.of("inside list items", "{\"ports\":[{\"name\":\"a\",\"extra\":true}]}", "{\"ports\":[{\"name\":\"a\"}]}",
            List.of("spec.ports[0].extra")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void pruning(String name, String spec, String prunedSpec, List<String> dropped) {
    ObjectNode obj = cr(spec);
    assertThat(Pruner.prune(obj, SCHEMA)).containsExactlyElementsOf(dropped);
    assertThat(obj.get("spec")).isEqualTo(json(prunedSpec));
    assertThat(obj.path("metadata").path("name").asText()).isEqualTo("w");
  }

  static Stream<Arguments> defaulting() {
    return Stream.of(
        Arguments.of("absent fields", "{\"size\":\"small\"}", "{\"size\":\"small\",\"replicas\":1,\"maxReplicas\":5}"),
        Arguments.of("set fields kept", "{\"size\":\"small\",\"replicas\":3,\"maxReplicas\":4}", "{\"size\":\"small\",\"replicas\":3,\"maxReplicas\":4}"),
        Arguments.of("null replaced when not nullable", "{\"size\":\"small\",\"replicas\":null}",
            "{\"size\":\"small\",\"replicas\":1,\"maxReplicas\":5}"),
        Arguments.of("inside list items", "{\"size\":\"small\",\"ports\":[{\"name\":\"a\"}]}",
            "{\"size\":\"small\",\"replicas\":1,\"maxReplicas\":5,\"ports\":[{\"name\":\"a\",\"port\":80}]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void defaulting(String name, String spec, String defaulted) {
    ObjectNode obj = cr(spec);
    Defaulter.apply(obj, SCHEMA);
    assertThat(obj.get("spec")).isEqualTo(json(defaulted));
  }

  static Stream<Arguments> cel() {
    return Stream.of(
        Arguments.of("rule holds", "{\"size\":\"small\",\"replicas\":2,\"maxReplicas\":3}", null, List.of()),
        Arguments.of("messageExpression", "{\"size\":\"small\",\"replicas\":4,\"maxReplicas\":3}", null,
            List.of("spec: Invalid value: \"object\": replicas 4 above 3")),
        Arguments.of("transition rule skipped on create", "{\"size\":\"large\",\"replicas\":1,\"maxReplicas\":3}", null, List.of()),
        Arguments.of("transition rule on update", "{\"size\":\"large\",\"replicas\":1,\"maxReplicas\":3}",
            "{\"size\":\"small\",\"replicas\":1,\"maxReplicas\":3}", List.of("spec: Invalid value: \"object\": size is immutable")),
        Arguments.of("transition rule holds", "{\"size\":\"small\",\"replicas\":2,\"maxReplicas\":3}",
            "{\"size\":\"small\",\"replicas\":1,\"maxReplicas\":3}", List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void cel(String name, String spec, String oldSpec, List<String> expected) {
    List<FieldError> errors = CelRules.validate(cr(spec), oldSpec == null ? null : cr(oldSpec), SCHEMA);
    assertThat(errors.stream().map(FieldError::message)).containsExactlyElementsOf(expected);
  }

  @org.junit.jupiter.api.Test
  void celCompileErrorsAreReported() {
    assertThat(CelRules.compileError("self.a >")).isPresent();
    assertThat(CelRules.compileError("self.a > 1")).isEmpty();
  }
}
