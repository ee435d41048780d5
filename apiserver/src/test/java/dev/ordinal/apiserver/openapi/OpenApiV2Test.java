package dev.ordinal.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The v2 document and its gnostic protobuf encoding, read back with a wire-format reader written
 * here from OpenAPIv2.proto's field numbers (independent of the encoder's own tables).
 */
class OpenApiV2Test {
  private static final OpenApiV2 OPENAPI = new OpenApiV2(ResourceCatalog.standard());

  @Test
  void jsonRefersToDefinitionsAndCarriesTheExtensionsKubectlReads() {
    ObjectNode doc = Json.parseObject(OPENAPI.json().bytes());
    assertThat(doc.path("swagger").asText()).isEqualTo("2.0");
    JsonNode deployment = doc.path("definitions").path("io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.path("x-kubernetes-group-version-kind").get(0).path("kind").asText()).isEqualTo("Deployment");
    assertThat(deployment.path("properties").path("spec").path("$ref").asText())
        .isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
    JsonNode ports = doc.path("definitions").path("io.k8s.api.core.v1.Container").path("properties").path("ports");
    assertThat(ports.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("containerPort");
    assertThat(ports.path("x-kubernetes-patch-strategy").asText()).isEqualTo("merge");
    assertThat(ports.path("x-kubernetes-list-type").asText()).isEqualTo("map");
    assertThat(ports.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"containerPort\",\"protocol\"]");
    JsonNode finalizers = doc.path("definitions").path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").path("properties").path("finalizers");
    assertThat(finalizers.path("x-kubernetes-list-type").asText()).isEqualTo("set");
    JsonNode patch = doc.path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
    assertThat(patch.path("x-kubernetes-group-version-kind").path("kind").asText()).isEqualTo("Deployment");
    assertThat(patch.path("parameters").findValuesAsText("name")).contains("fieldValidation");
  }

  @Test
  void protobufHoldsTheSameDefinitionsAndExtensions() {
    Message doc = Message.parse(OPENAPI.protobuf().bytes());
    assertThat(doc.string(1)).isEqualTo("2.0");
    Map<String, Message> definitions = doc.message(9).named(1);
    Message deployment = definitions.get("io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.message(22).strings(1)).containsExactly("object"); // TypeItem
    List<Object> gvk = (List<Object>) Json.convert(Json.MAPPER.valueToTree(
        parseYaml(deployment.extensions(31).get("x-kubernetes-group-version-kind"))), List.class);
    assertThat(gvk).containsExactly(Map.of("group", "apps", "kind", "Deployment", "version", "v1"));
    Map<String, Message> props = deployment.message(25).named(1); // Properties
    assertThat(props.get("spec").string(1)).isEqualTo("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");

    Message ports = definitions.get("io.k8s.api.core.v1.Container").message(25).named(1).get("ports");
    assertThat(ports.message(22).strings(1)).containsExactly("array");
    assertThat(ports.message(23).messages(1).get(0).string(1)).isEqualTo("#/definitions/io.k8s.api.core.v1.ContainerPort");
    assertThat(parseYaml(ports.extensions(31).get("x-kubernetes-patch-merge-key"))).isEqualTo("containerPort");
    Message labels = definitions.get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").message(25).named(1).get("labels");
    assertThat(labels.message(21).message(1).message(22).strings(1)).containsExactly("string"); // additionalProperties.schema

    // the path kubectl's fallback verifier walks: Paths.path → PathItem.patch → parameters →
    // Parameter.non_body_parameter → query_parameter_sub_schema.name
    Map<String, Message> paths = doc.message(8).named(2);
    Message patch = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").message(8);
    List<String> queryParams = new ArrayList<>();
    for (Message item : patch.messages(8)) {
      Message nonBody = item.message(1).messageOrNull(2);
      if (nonBody != null && nonBody.messageOrNull(3) != null) {
        queryParams.add(nonBody.message(3).string(4));
      }
    }
    assertThat(queryParams).contains("fieldValidation", "fieldManager");
    assertThat(parseYaml(patch.extensions(13).get("x-kubernetes-group-version-kind")).toString()).contains("kind=Deployment");
  }

  @Test
  void bothEncodingsShareOneEtagAndGzipRoundTrips() throws Exception {
    assertThat(OPENAPI.protobuf().etag()).isEqualTo(OPENAPI.json().etag()).hasSize(128);
    try (var in = new GZIPInputStream(new ByteArrayInputStream(OPENAPI.protobuf().gzipped()))) {
      assertThat(in.readAllBytes()).isEqualTo(OPENAPI.protobuf().bytes());
    }
    assertThat(OPENAPI.protobuf()).isSameAs(OPENAPI.protobuf()); // built once
  }

  private static Object parseYaml(String yaml) {
    try {
      return Json.YAML.readValue(yaml, Object.class);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A protobuf message read as its fields: number → raw values (byte[] for length-delimited, Long otherwise). */
  record Message(Map<Integer, List<Object>> fields) {
    static Message parse(byte[] b) {
      Map<Integer, List<Object>> fields = new LinkedHashMap<>();
      int[] pos = {0};
      while (pos[0] < b.length) {
        long tag = varint(b, pos);
        int field = (int) (tag >>> 3);
        int wire = (int) (tag & 7);
        Object value = switch (wire) {
          case 0 -> varint(b, pos);
          case 1 -> {
            pos[0] += 8;
            yield 0L;
          }
          case 2 -> {
            int len = (int) varint(b, pos);
            byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
            pos[0] += len;
            yield v;
          }
          default -> throw new AssertionError("wire type " + wire);
        };
        fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
      }
      return new Message(fields);
    }

    private static long varint(byte[] b, int[] pos) {
      long r = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = b[pos[0]++];
        r |= (long) (x & 0x7f) << shift;
        if ((x & 0x80) == 0) {
          return r;
        }
      }
    }

    String string(int field) {
      return new String((byte[]) fields.get(field).get(0), StandardCharsets.UTF_8);
    }

    List<String> strings(int field) {
      return fields.getOrDefault(field, List.of()).stream().map(v -> new String((byte[]) v, StandardCharsets.UTF_8)).toList();
    }

    Message message(int field) {
      Message m = messageOrNull(field);
      assertThat(m).as("field " + field + " of " + fields.keySet()).isNotNull();
      return m;
    }

    Message messageOrNull(int field) {
      List<Object> v = fields.get(field);
      return v == null ? null : parse((byte[]) v.get(0));
    }

    List<Message> messages(int field) {
      return fields.getOrDefault(field, List.of()).stream().map(v -> parse((byte[]) v)).toList();
    }

    /** Named entries (name = 1, value = 2) in field {@code field}. */
    Map<String, Message> named(int field) {
      Map<String, Message> out = new LinkedHashMap<>();
      for (Message e : messages(field)) {
        out.put(e.string(1), e.message(2));
      }
      return out;
    }

    /** Vendor extensions (NamedAny) in field {@code field}: name → Any.yaml. */
    Map<String, String> extensions(int field) {
      Map<String, String> out = new LinkedHashMap<>();
      for (Message e : messages(field)) {
        out.put(e.string(1), e.message(2).string(2));
      }
      return out;
    }
  }
}
