package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Server-side apply and managedFields over HTTP, against a real API server and SQLite. */
class ServerSideApplyIT extends ApiServerTestBase {
  private static final String APPLY = "application/apply-patch+yaml";
  private static final String STS = "/apis/apps/v1/namespaces/default/statefulsets/";

  private static String sts(String name, int replicas, String image) {
    return """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"%s"},
         "spec":{"replicas":%d,"serviceName":"web","selector":{"matchLabels":{"app":"%s"}},
          "template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"c","image":"%s"}]}}}}
        """.formatted(name, replicas, name, name, image);
  }

  private static JsonNode tree(HttpResponse<String> r) throws Exception {
    return Json.MAPPER.readTree(r.body());
  }

  private static JsonNode entry(JsonNode obj, String manager) {
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (e.path("manager").asText().equals(manager)) {
        return e;
      }
    }
    return null;
  }

  @Test
  void applyCreatesThenConflictsThenForceTakesOver() throws Exception {
    HttpResponse<String> created = api.send("PATCH", STS + "a1?fieldManager=alice", APPLY, sts("a1", 1, "nginx:1"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode alice = entry(tree(created), "alice");
    assertThat(alice.path("operation").asText()).isEqualTo("Apply");
    assertThat(alice.path("fieldsV1").path("f:spec").has("f:replicas")).isTrue();
    assertThat(alice.path("fieldsV1").path("f:spec").path("f:template").path("f:spec").path("f:containers")
        .has("k:{\"name\":\"c\"}")).isTrue();

    HttpResponse<String> conflict = api.send("PATCH", STS + "a1?fieldManager=bob", APPLY, sts("a1", 3, "nginx:1"));
    assertThat(conflict.statusCode()).isEqualTo(409);
    JsonNode status = tree(conflict);
    assertThat(status.path("reason").asText()).isEqualTo("Conflict");
    assertThat(status.path("message").asText()).isEqualTo("Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas");
    assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("FieldManagerConflict");
    assertThat(status.path("details").path("causes").get(0).path("field").asText()).isEqualTo(".spec.replicas");

    HttpResponse<String> forced = api.send("PATCH", STS + "a1?fieldManager=bob&force=true", APPLY, sts("a1", 3, "nginx:1"));
    assertThat(forced.statusCode()).as(forced.body()).isEqualTo(200);
    JsonNode after = tree(forced);
    assertThat(after.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(entry(after, "alice").path("fieldsV1").path("f:spec").has("f:replicas")).isFalse();
    assertThat(entry(after, "bob").path("fieldsV1").path("f:spec").has("f:replicas")).isTrue();
  }

  @Test
  void aFieldDroppedFromTheConfigurationIsRemoved() throws Exception {
    String withLabel = """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"a2"},
         "spec":{"replicas":1,"serviceName":"web","minReadySeconds":5,"selector":{"matchLabels":{"app":"a2"}},
          "template":{"metadata":{"labels":{"app":"a2","tier":"x"}},"spec":{"containers":[{"name":"c","image":"nginx:1"}]}}}}
        """;
    assertThat(api.send("PATCH", STS + "a2?fieldManager=alice", APPLY, withLabel).statusCode()).isEqualTo(201);
    HttpResponse<String> r = api.send("PATCH", STS + "a2?fieldManager=alice", APPLY, sts("a2", 1, "nginx:1"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode obj = tree(r);
    assertThat(obj.path("spec").has("minReadySeconds")).isFalse();
    assertThat(obj.path("spec").path("template").path("metadata").path("labels").has("tier")).isFalse();
  }

  @Test
  void everyWriteRecordsItsManagerAndNoOpsWriteNothing() throws Exception {
    HttpResponse<String> created = api.send("POST", "/api/v1/namespaces/default/configmaps?fieldManager=maker",
        "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"cm\"},\"data\":{\"a\":\"1\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    JsonNode maker = entry(tree(created), "maker");
    assertThat(maker.path("operation").asText()).isEqualTo("Update");
    assertThat(maker.path("fieldsV1")).isEqualTo(Json.MAPPER.readTree("{\"f:data\":{\".\":{},\"f:a\":{}}}"));
    // no fieldManager: the User-Agent's program name, as upstream
    HttpResponse<String> patched = api.sendWithAgent("PATCH", "/api/v1/namespaces/default/configmaps/cm",
        "application/merge-patch+json", "{\"data\":{\"b\":\"2\"}}", "kubectl-edit/v1.32.0 (linux/amd64)");
    JsonNode edit = entry(tree(patched), "kubectl-edit");
    assertThat(edit.path("fieldsV1")).isEqualTo(Json.MAPPER.readTree("{\"f:data\":{\"f:b\":{}}}"));
    String rv = tree(patched).path("metadata").path("resourceVersion").asText();
    HttpResponse<String> again = api.sendWithAgent("PATCH", "/api/v1/namespaces/default/configmaps/cm",
        "application/merge-patch+json", "{\"data\":{\"b\":\"2\"}}", "other/1");
    assertThat(tree(again).path("metadata").path("resourceVersion").asText()).isEqualTo(rv);
    // invalid entries are refused with their field path; [{}] resets
    HttpResponse<String> bad = api.send("PATCH", "/api/v1/namespaces/default/configmaps/cm", "application/merge-patch+json",
        "{\"metadata\":{\"managedFields\":[{\"manager\":\"x\",\"operation\":\"Patch\",\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{}}]}}");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(bad.body()).contains("metadata.managedFields[0].operation");
    HttpResponse<String> reset = api.send("PATCH", "/api/v1/namespaces/default/configmaps/cm", "application/merge-patch+json",
        "{\"metadata\":{\"managedFields\":[{}]}}");
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(tree(reset).path("metadata").has("managedFields")).isFalse();
  }

  @Test
  void applyNeedsAFieldManagerAndDryRunWritesNothing() throws Exception {
    HttpResponse<String> none = api.send("PATCH", STS + "a3", APPLY, sts("a3", 1, "nginx:1"));
    assertThat(none.statusCode()).isEqualTo(422);
    assertThat(none.body()).contains("fieldManager: Required value");
    HttpResponse<String> dry = api.send("PATCH", STS + "a3?fieldManager=alice&dryRun=All", APPLY, sts("a3", 1, "nginx:1"));
    assertThat(dry.statusCode()).as(dry.body()).isEqualTo(201);
    assertThat(api.send("GET", STS + "a3", null, null).statusCode()).isEqualTo(404);
    HttpResponse<String> force = api.send("PATCH", "/api/v1/namespaces/default/configmaps/x?force=true",
        "application/merge-patch+json", "{}");
    assertThat(force.statusCode()).isEqualTo(422);
  }
}
