package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * pods/ephemeralcontainers as kubectl debug uses it: a strategic merge patch adds a container and
 * changes nothing else; changing or removing one is refused with upstream's field errors, as is
 * adding one through the pod itself; discovery lists the subresource; and metrics.k8s.io is
 * discoverable (kubectl top looks for it) and lists nothing without a node that reports usage.
 */
class EphemeralContainersIT extends ApiServerTestBase {
  static final String PATH = "/api/v1/namespaces/default/pods/dbg/ephemeralcontainers";
  static final String SMP = "application/strategic-merge-patch+json";

  @Test
  void kubectlDebugsPatchAddsOneAndNothingElseChanges() throws Exception {
    api.client.pods().resource(new PodBuilder().withNewMetadata().withName("dbg").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage("busybox").endContainer().endSpec().build()).create();
    // what kubectl debug sends: the ephemeral container, and (ignored) a label change
    HttpResponse<String> r = api.send("PATCH", PATH, SMP, """
        {"metadata":{"labels":{"sneaky":"yes"}},"spec":{"ephemeralContainers":[{"name":"debugger","image":"busybox",
        "stdin":true,"tty":true,"targetContainerName":"app","terminationMessagePolicy":"File","resources":{}}]}}""");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode pod = Json.MAPPER.readTree(r.body());
    assertThat(pod.path("kind").asText()).isEqualTo("Pod");
    assertThat(pod.path("spec").path("ephemeralContainers").findValuesAsText("name")).containsExactly("debugger");
    assertThat(pod.path("metadata").path("labels").has("sneaky")).isFalse();

    HttpResponse<String> changed = api.send("PATCH", PATH, SMP, """
        {"spec":{"ephemeralContainers":[{"name":"debugger","image":"debian"}]}}""");
    assertThat(changed.statusCode()).isEqualTo(422);
    assertThat(changed.body()).contains("spec.ephemeralContainers[debugger]: Forbidden: existing ephemeral containers \\\"debugger\\\" may not be changed");

    // (a strategic merge puts what the patch adds first, as without $setElementOrder upstream)
    HttpResponse<String> withPorts = api.send("PATCH", PATH, SMP, """
        {"spec":{"ephemeralContainers":[{"name":"web","image":"nginx","ports":[{"containerPort":80}]}]}}""");
    assertThat(withPorts.statusCode()).isEqualTo(422);
    assertThat(withPorts.body()).contains("spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container");

    // through the pod itself, its ephemeral containers are part of the spec that may not change
    HttpResponse<String> main = api.send("PATCH", "/api/v1/namespaces/default/pods/dbg", SMP, """
        {"spec":{"ephemeralContainers":[{"name":"other","image":"busybox"}]}}""");
    assertThat(main.statusCode()).isEqualTo(422);
    assertThat(main.body()).contains("pod updates may not change fields");

    assertThat(api.get(PATH, null).body()).contains("\"debugger\"");
    assertThat(api.get("/api/v1", null).body()).contains("\"name\":\"pods/ephemeralcontainers\"");
  }

  @Test
  void metricsApiIsDiscoverable() throws Exception {
    assertThat(api.get("/apis", null).body()).contains("\"name\":\"metrics.k8s.io\"");
    assertThat(api.get("/apis/metrics.k8s.io/v1beta1", null).body()).contains("\"kind\":\"NodeMetrics\"").contains("\"kind\":\"PodMetrics\"");
    HttpResponse<String> list = api.get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(Json.MAPPER.readTree(list.body()).path("items").size()).isZero();
    assertThat(api.get("/apis/metrics.k8s.io/v1beta1/nodes/n1", null).statusCode()).isEqualTo(404);
    HttpResponse<String> scrape = api.get("/metrics", null);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    assertThat(scrape.body()).contains("# TYPE apiserver_request_total counter");
  }
}
