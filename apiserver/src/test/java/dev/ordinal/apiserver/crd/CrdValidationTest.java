package dev.ordinal.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** CRD validation with upstream's field paths, and the status planner's names and conditions. */
class CrdValidationTest {
  static final String VERSION = "{\"name\":\"v1\",\"served\":true,\"storage\":true,\"schema\":{\"openAPIV3Schema\":%s}}";
  static final String OBJECT = "{\"type\":\"object\"}";

  static ObjectNode crd(String name, String group, String scope, String versions) {
    String json = "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\",\"metadata\":{\"name\":\"" + name
        + "\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"group\":\"" + group + "\",\"scope\":\"" + scope
        + "\",\"names\":{\"plural\":\"widgets\",\"kind\":\"Widget\",\"shortNames\":[\"wd\"]},\"versions\":" + versions + "}}";
    ObjectNode crd = Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    CrdValidation.applyDefaults(crd);
    return crd;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("valid", crd("widgets.example.com", "example.com", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]"), List.of()),
        Arguments.of("name not plural.group", crd("w.example.com", "example.com", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]"),
            List.of("metadata.name: Invalid value: \"w.example.com\": must be spec.names.plural+\".\"+spec.group")),
        Arguments.of("group without a dot", crd("widgets.example", "example", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]"),
            List.of("spec.group: Invalid value: \"example\": should be a domain with at least one dot")),
        Arguments.of("bad scope", crd("widgets.example.com", "example.com", "Global", "[" + VERSION.formatted(OBJECT) + "]"),
            List.of("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")),
        Arguments.of("no storage version", crd("widgets.example.com", "example.com", "Cluster",
            "[{\"name\":\"v1\",\"served\":true,\"storage\":false,\"schema\":{\"openAPIV3Schema\":" + OBJECT + "}}]"),
            List.of("spec.versions: Invalid value: \"[{\"name\":\"v1\",\"served\":true,\"storage\":false,"
                + "\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}]\": must have exactly one version marked as storage version")),
        Arguments.of("no schema", crd("widgets.example.com", "example.com", "Cluster", "[{\"name\":\"v1\",\"served\":true,\"storage\":true}]"),
            List.of("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required")),
        Arguments.of("not structural", crd("widgets.example.com", "example.com", "Cluster",
            "[" + VERSION.formatted("{\"type\":\"object\",\"properties\":{\"spec\":{\"properties\":{}}}}") + "]"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields")),
        Arguments.of("root not object", crd("widgets.example.com", "example.com", "Cluster", "[" + VERSION.formatted("{\"type\":\"string\"}") + "]"),
            List.of("spec.versions[0].schema.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root")),
        Arguments.of("map list without keys", crd("widgets.example.com", "example.com", "Cluster", "[" + VERSION.formatted(
            "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\",\"items\":{\"type\":\"object\"}}}}") + "]"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[l].x-kubernetes-list-map-keys: Required value: must not be empty if "
                + "x-kubernetes-list-type is map")),
        Arguments.of("CEL that does not compile", crd("widgets.example.com", "example.com", "Cluster", "[" + VERSION.formatted(
            "{\"type\":\"object\",\"x-kubernetes-validations\":[{\"rule\":\"self.a >\"}]}") + "]"),
            List.of("spec.versions[0].schema.openAPIV3Schema.x-kubernetes-validations[0].rule")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validation(String name, ObjectNode crd, List<String> expected) {
    List<String> messages = CrdValidation.validateCreate(crd).stream().map(FieldError::message).toList();
    if (name.startsWith("CEL")) {
      assertThat(messages).singleElement().asString().startsWith(expected.get(0) + ": Invalid value: \"self.a >\": compilation failed");
    } else {
      assertThat(messages).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void plannerAcceptsNamesAndEstablishes() {
    ObjectNode crd = crd("widgets.example.com", "example.com", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]");
    CrdStrategy.INSTANCE.prepareForCreate(crd);
    CrdStatusPlanner.Plan plan = CrdStatusPlanner.plan(crd, List.of(), "2026-01-01T00:00:01Z");
    assertThat(plan.serve()).isTrue();
    ObjectNode status = plan.status().orElseThrow();
    assertThat(status.path("acceptedNames").path("singular").asText()).isEqualTo("widget");
    assertThat(status.path("storedVersions").toString()).isEqualTo("[\"v1\"]");
    assertThat(status.path("conditions").toString()).contains("\"type\":\"NamesAccepted\",\"status\":\"True\",\"lastTransitionTime\":"
        + "\"2026-01-01T00:00:01Z\",\"reason\":\"NoConflicts\"").contains("\"type\":\"Established\",\"status\":\"True\"");
    crd.set("status", status);
    assertThat(CrdStatusPlanner.plan(crd, List.of(), "2026-01-01T00:00:09Z").status()).as("a settled CRD is not rewritten").isEmpty();
  }

  @Test
  void plannerRefusesNamesAnOlderCrdHolds() {
    ObjectNode first = crd("widgets.example.com", "example.com", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]");
    first.set("status", CrdStatusPlanner.plan(first, List.of(), "t").status().orElseThrow());
    ObjectNode second = crd("gadgets.example.com", "example.com", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]");
    second.with("spec").with("names").put("plural", "gadgets").put("singular", "gadget").put("kind", "Gadget");
    second.with("metadata").put("creationTimestamp", "2026-01-02T00:00:00Z");
    CrdStatusPlanner.Plan plan = CrdStatusPlanner.plan(second, List.of(first), "t");
    assertThat(plan.serve()).isFalse();
    assertThat(plan.status().orElseThrow().path("conditions").toString()).contains("\"reason\":\"NameConflict\",\"message\":\"\\\"wd\\\" is already in use\"");
  }

  @Test
  void plannerCleansUpOnDeletion() {
    ObjectNode crd = crd("widgets.example.com", "example.com", "Namespaced", "[" + VERSION.formatted(OBJECT) + "]");
    crd.with("metadata").put("deletionTimestamp", "2026-01-01T00:00:05Z");
    CrdStatusPlanner.Plan plan = CrdStatusPlanner.plan(crd, List.of(), "t");
    assertThat(plan.serve()).isFalse();
    assertThat(plan.cleanUp()).isTrue();
    assertThat(plan.status().orElseThrow().path("conditions").toString()).contains("InstanceDeletionInProgress");
  }
}
