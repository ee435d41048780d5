package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Server-side apply of a custom resource merges its lists by the CRD's list types: two managers
 * each apply an item of a {@code map} list keyed by name and both items stay, each owned by its
 * manager (an atomic list would make the second apply a conflict).
 */
class CustomResourceApplyIT extends ApiServerTestBase {
  static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"gateways.apply.example.com"},
       "spec":{"group":"apply.example.com","scope":"Namespaced","names":{"plural":"gateways","kind":"Gateway"},
        "versions":[{"name":"v1","served":true,"storage":true,
          "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object","properties":{
            "listeners":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer"}}}}}}}}}}]}}
      """;
  static final String BASE = "/apis/apply.example.com/v1/namespaces/default/gateways";

  static HttpResponse<String> apply(String manager, String listener) throws Exception {
    return api.send("PATCH", BASE + "/edge?fieldManager=" + manager, "application/apply-patch+yaml",
        "{\"apiVersion\":\"apply.example.com/v1\",\"kind\":\"Gateway\",\"metadata\":{\"name\":\"edge\"},\"spec\":{\"listeners\":["
            + listener + "]}}");
  }

  @Test
  void twoManagersApplyItemsOfAKeyedList() throws Exception {
    assertThat(api.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "application/json", CRD).statusCode())
        .isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).until(() -> api.get(BASE, null).statusCode() == 200);
    assertThat(apply("alpha", "{\"name\":\"http\",\"port\":80}").statusCode()).isEqualTo(201);
    HttpResponse<String> second = apply("beta", "{\"name\":\"https\",\"port\":443}");
    assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
    JsonNode gw = Json.MAPPER.readTree(api.get(BASE + "/edge", null).body());
    assertThat(gw.path("spec").path("listeners").toString())
        .isEqualTo("[{\"name\":\"http\",\"port\":80},{\"name\":\"https\",\"port\":443}]");
    assertThat(gw.path("metadata").path("managedFields").toString()).contains("k:{\\\"name\\\":\\\"https\\\"}");
    // a manager that stops applying its item removes it; the other's stays
    assertThat(apply("alpha", "").statusCode()).isEqualTo(200);
    gw = Json.MAPPER.readTree(api.get(BASE + "/edge", null).body());
    assertThat(gw.path("spec").path("listeners").toString()).isEqualTo("[{\"name\":\"https\",\"port\":443}]");
  }
}
