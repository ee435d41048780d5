package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A CRD over HTTP against a real API server: established and served at once in discovery, two
 * versions over one store, validation with field paths, pruning and defaults, status and scale
 * subresources, printer columns in Tables, OpenAPI v3, and its objects deleted with it.
 */
class CustomResourcesIT extends ApiServerTestBase {
  static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"},
       "spec":{"group":"example.com","scope":"Namespaced",
        "names":{"plural":"widgets","kind":"Widget","shortNames":["wd"],"categories":["all"]},
        "versions":[
         {"name":"v1","served":true,"storage":true,
          "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
          "additionalPrinterColumns":[{"name":"Replicas","type":"integer","jsonPath":".spec.replicas"},
                                      {"name":"Size","type":"string","jsonPath":".spec.size"}],
          "schema":{"openAPIV3Schema":{"type":"object","properties":{
            "spec":{"type":"object","x-kubernetes-validations":[{"rule":"self.replicas <= 10","message":"at most 10 replicas"}],
              "properties":{"size":{"type":"string","enum":["small","large"],"default":"small"},"replicas":{"type":"integer","minimum":0}}},
            "status":{"type":"object","properties":{"replicas":{"type":"integer"}}}}}}},
         {"name":"v1beta1","served":true,"storage":false,
          "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
      """;

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    String ct = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
    return api.send(method, path, ct, body);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  @Test
  void aCrdIsServedValidatedAndCleanedUp() throws Exception {
    assertThat(send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD).statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).until(() -> json(api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", null))
        .path("status").path("conditions").toString().contains("\"type\":\"Established\",\"status\":\"True\""));
    JsonNode crd = json(api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", null));
    assertThat(crd.path("metadata").path("finalizers").toString()).contains("customresourcecleanup.apiextensions.k8s.io");
    assertThat(crd.path("status").path("storedVersions").toString()).isEqualTo("[\"v1\"]");
    assertThat(crd.path("status").path("acceptedNames").path("singular").asText()).isEqualTo("widget");

    JsonNode resources = json(api.get("/apis/example.com/v1", null));
    assertThat(resources.path("resources").toString()).contains("\"name\":\"widgets\"").contains("\"shortNames\":[\"wd\"]")
        .contains("\"name\":\"widgets/scale\"").contains("\"name\":\"widgets/status\"");
    assertThat(api.get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList").body()).contains("example.com");

    String base = "/apis/example.com/v1/namespaces/default/widgets";
    HttpResponse<String> invalid = send("POST", base, """
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"bad"},"spec":{"size":"huge","replicas":-1}}""");
    assertThat(invalid.statusCode()).isEqualTo(422);
    assertThat(json(invalid).path("message").asText()).isEqualTo("Widget.example.com \"bad\" is invalid: [spec.size: Unsupported value: "
        + "\"huge\": supported values: \"small\", \"large\", spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0]");
    HttpResponse<String> cel = send("POST", base, """
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"big"},"spec":{"replicas":11}}""");
    assertThat(json(cel).path("message").asText()).contains("spec: Invalid value: \"object\": at most 10 replicas");

    HttpResponse<String> created = send("POST", base, """
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"replicas":2,"extra":1},"status":{"replicas":9}}""");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode w = json(created);
    assertThat(w.path("spec").toString()).as("pruned and defaulted").isEqualTo("{\"replicas\":2,\"size\":\"small\"}");
    assertThat(w.has("status")).as("status is the subresource's").isFalse();
    assertThat(w.path("metadata").path("generation").asLong()).isEqualTo(1);

    JsonNode beta = json(api.get("/apis/example.com/v1beta1/namespaces/default/widgets/w", null));
    assertThat(beta.path("apiVersion").asText()).isEqualTo("example.com/v1beta1");
    assertThat(beta.path("spec").path("replicas").asLong()).isEqualTo(2);

    assertThat(send("PUT", base + "/w/status", """
        {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"replicas":5},"status":{"replicas":2}}""")
        .statusCode()).isEqualTo(200);
    JsonNode afterStatus = json(api.get(base + "/w", null));
    assertThat(afterStatus.path("status").path("replicas").asLong()).isEqualTo(2);
    assertThat(afterStatus.path("spec").path("replicas").asLong()).as("a status write keeps spec").isEqualTo(2);

    HttpResponse<String> scaled = send("PATCH", base + "/w/scale", "{\"spec\":{\"replicas\":4}}");
    assertThat(json(scaled).path("spec").path("replicas").asLong()).isEqualTo(4);
    assertThat(json(scaled).path("status").path("replicas").asLong()).isEqualTo(2);
    assertThat(json(api.get(base + "/w", null)).path("metadata").path("generation").asLong()).isEqualTo(2);

    String table = api.get(base, "application/json;as=Table;v=v1;g=meta.k8s.io").body();
    assertThat(json(api.get(base, "application/json;as=Table;v=v1;g=meta.k8s.io")).path("columnDefinitions").toString())
        .contains("\"name\":\"Replicas\"").contains("\"name\":\"Size\"");
    assertThat(table).contains("[\"w\",4,\"small\"]");

    String openapi = api.get("/openapi/v3/apis/example.com/v1", null).body();
    assertThat(openapi).contains("com.example.v1.Widget").contains("at most 10 replicas");
    assertThat(api.get("/openapi/v3", null).body()).contains("apis/example.com/v1");

    assertThat(send("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", null).statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() ->
        api.get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com", null).statusCode() == 404);
    assertThat(api.get(base + "/w", null).statusCode()).isEqualTo(404);
    assertThat(api.storage.list("/registry/example.com/widgets/", 0).items()).as("the CRD's objects are gone from storage").isEmpty();
    assertThat(api.get("/apis/example.com/v1", null).statusCode()).isEqualTo(404);
  }
}
