package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * pods/resize on the in-process server as kubectl 1.33's {@code patch --subresource resize} uses
 * it: a strategic merge patch changes the containers' resources and nothing else (a label in the
 * same patch is dropped, status kept); the pod itself refuses a resources change; a change of QoS
 * class, a lowered memory limit and another resource are 422s with upstream's field paths and
 * words; GET answers the pod; discovery lists the subresource.
 */
class PodResizeIT extends ApiServerTestBase {
  static final String PATH = "/api/v1/namespaces/default/pods/sized/resize";
  static final String SMP = "application/strategic-merge-patch+json";

  @Test
  void resizeChangesResourcesAndNothingElse() throws Exception {
    HttpResponse<String> created = api.send("POST", "/api/v1/namespaces/default/pods", "application/json", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"sized"},"spec":{"containers":[{"name":"app","image":"busybox",
        "resources":{"requests":{"cpu":"100m","memory":"32Mi"},"limits":{"cpu":"200m","memory":"64Mi"}}}]}}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(Json.MAPPER.readTree(created.body()).path("status").path("qosClass").asText()).isEqualTo("Burstable");

    HttpResponse<String> r = api.send("PATCH", PATH, SMP, """
        {"metadata":{"labels":{"sneaky":"yes"}},"spec":{"containers":[{"name":"app","image":"nginx",
        "resources":{"limits":{"memory":"128Mi","cpu":"500m"}}}]}}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode pod = Json.MAPPER.readTree(r.body());
    JsonNode c = pod.path("spec").path("containers").get(0);
    assertThat(c.path("resources").path("limits").path("memory").asText()).isEqualTo("128Mi");
    assertThat(c.path("resources").path("limits").path("cpu").asText()).isEqualTo("500m");
    assertThat(c.path("resources").path("requests").path("memory").asText()).isEqualTo("32Mi");
    assertThat(c.path("image").asText()).as("only resources change").isEqualTo("busybox");
    assertThat(pod.path("metadata").path("labels").has("sneaky")).isFalse();
    assertThat(pod.path("status").path("qosClass").asText()).isEqualTo("Burstable");
    assertThat(api.get(PATH, null).body()).contains("\"128Mi\"").contains("\"kind\":\"Pod\"");

    // a lowered memory limit under the default resizePolicy
    HttpResponse<String> lower = api.send("PATCH", PATH, SMP, """
        {"spec":{"containers":[{"name":"app","resources":{"limits":{"memory":"16Mi"}}}]}}""");
    assertThat(lower.statusCode()).isEqualTo(422);
    JsonNode status = Json.MAPPER.readTree(lower.body());
    assertThat(status.path("message").asText()).isEqualTo("Pod \"sized\" is invalid: spec.containers[0].resources.limits[memory]: "
        + "Forbidden: memory limits cannot be decreased unless resizePolicy is RestartContainer");
    assertThat(status.path("details").path("causes").get(0).path("field").asText()).isEqualTo("spec.containers[0].resources.limits[memory]");

    // Burstable to Guaranteed
    HttpResponse<String> qos = api.send("PATCH", PATH, SMP, """
        {"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"500m","memory":"128Mi"}}}]}}""");
    assertThat(qos.statusCode()).isEqualTo(422);
    assertThat(qos.body()).contains("spec: Invalid value: \\\"Burstable\\\": Pod QOS Class may not change as a result of resizing");

    HttpResponse<String> storage = api.send("PATCH", PATH, SMP, """
        {"spec":{"containers":[{"name":"app","resources":{"limits":{"ephemeral-storage":"1Gi"}}}]}}""");
    assertThat(storage.statusCode()).isEqualTo(422);
    assertThat(storage.body()).contains("spec: Forbidden: only cpu and memory resources are mutable");

    // not through the pod itself
    HttpResponse<String> main = api.send("PATCH", "/api/v1/namespaces/default/pods/sized", SMP, """
        {"spec":{"containers":[{"name":"app","resources":{"limits":{"memory":"256Mi"}}}]}}""");
    assertThat(main.statusCode()).isEqualTo(422);
    assertThat(main.body()).contains("spec: Forbidden: pod updates may not change fields other than");

    // PUT: the whole pod sent back with new resources
    JsonNode current = Json.MAPPER.readTree(api.get("/api/v1/namespaces/default/pods/sized", null).body());
    com.fasterxml.jackson.databind.node.ObjectNode put = (com.fasterxml.jackson.databind.node.ObjectNode) current.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) put.path("spec").path("containers").get(0).path("resources").path("limits"))
        .put("memory", "256Mi");
    HttpResponse<String> replaced = api.send("PUT", PATH, "application/json", put.toString());
    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.body()).contains("\"256Mi\"");

    assertThat(api.get("/api/v1", null).body()).contains("\"name\":\"pods/resize\"");
  }
}
