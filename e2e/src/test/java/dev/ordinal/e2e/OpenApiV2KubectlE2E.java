package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * kubectl 1.27 and 1.28 build a client-side validator from the protobuf {@code /openapi/v2} before
 * every apply and create with validation on (the default), then leave the check to the server
 * when its OpenAPI v3 lists {@code fieldValidation}; without the v2 document they cannot apply at all.
 */
class OpenApiV2KubectlE2E extends OrdinalE2ETestBase {
  private static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

  static String deployment(String name, String extra) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: %s
        spec:
          replicas: 1%s
          selector:
            matchLabels: {app: %s}
          template:
            metadata:
              labels: {app: %s}
            spec:
              containers:
              - name: nginx
                image: nginx:1.27
                ports:
                - containerPort: 80
        """.formatted(name, extra, name, name);
  }

  @Test
  void kubectl127And128ApplyWithValidationAndRefuseUnknownFieldsAsOnKubernetes() throws Exception {
    for (int minor : new int[] {27, 28}) {
      Path binary = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1." + minor);
      Kubectl k = new Kubectl(binary.toString(), ordinal.kubeconfig(), Files.createTempDirectory(work, "cache-1." + minor));
      String name = "web-" + minor;
      assertThat(k.runWithInput(deployment(name, ""), "apply", "-f", "-").ok().out()).as("kubectl 1.%d", minor)
          .contains("deployment.apps/" + name + " created");
      assertThat(k.runWithInput(deployment(name, ""), "apply", "-f", "-").ok().out()).as("kubectl 1.%d", minor)
          .contains("deployment.apps/" + name + " unchanged");
      // a changed field in a list merged by key: the patch comes from the v2 document's extensions
      String scaled = deployment(name, "").replace("replicas: 1", "replicas: 2").replace("containerPort: 80", "containerPort: 8080");
      assertThat(k.runWithInput(scaled, "apply", "-f", "-").ok().out()).contains("deployment.apps/" + name + " configured");
      assertThat(k.run("get", "deploy", name, "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[*].ports[*].containerPort}")
          .ok().out()).as("kubectl 1.%d", minor).isEqualTo("2 8080");

      Kubectl.Result patchRefused = k.runWithInput(deployment(name, "\n  replicaz: 2"), "apply", "-f", "-");
      assertThat(patchRefused.exitCode()).as("kubectl 1.%d", minor).isEqualTo(1);
      assertThat(patchRefused.err()).as("kubectl 1.%d", minor).contains("Error from server (BadRequest): error when applying patch:")
          .contains("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replicaz\"");
      Kubectl.Result createRefused = k.runWithInput(deployment("new-" + minor, "\n  replicaz: 2"), "apply", "-f", "-");
      assertThat(createRefused.exitCode()).isEqualTo(1);
      assertThat(createRefused.err()).as("kubectl 1.%d", minor).contains(
          "Error from server (BadRequest): error when creating \"STDIN\": Deployment in version \"v1\" cannot be handled as a Deployment: "
              + "strict decoding error: unknown field \"spec.replicaz\"");
      assertThat(k.run("get", "deploy", "new-" + minor).exitCode()).isEqualTo(1);
    }
  }

  @Test
  void kubectl127ExplainsFromTheServedSchemas() throws Exception {
    Kubectl k = new Kubectl("/usr/lib/google-cloud-sdk/bin/kubectl.1.27", ordinal.kubeconfig(), Files.createTempDirectory(work, "cache-explain"));
    assertThat(k.run("explain", "deployment.spec.replicas").ok().out()).contains("KIND:       Deployment", "replicas", "<integer>");
    assertThat(k.run("explain", "pods.spec.containers").ok().out()).contains("FIELD: containers", "image", "ports");
  }

  /** A CRD's schema joins /openapi/v2 once it is established: kubectl 1.27 explains and applies its objects from it. */
  @Test
  void aCustomResourceIsInTheV2DocumentForKubectl127() throws Exception {
    Kubectl k = new Kubectl("/usr/lib/google-cloud-sdk/bin/kubectl.1.27", ordinal.kubeconfig(), Files.createTempDirectory(work, "cache-crd"));
    k.runWithInput("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: gadgets.v2.example.com
        spec:
          group: v2.example.com
          scope: Namespaced
          names: {plural: gadgets, singular: gadget, kind: Gadget}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    description: What the gadget does.
                    required: [size]
                    properties:
                      size: {type: integer, minimum: 1, maximum: 9, description: How big it is.}
                      note: {type: string, nullable: true}
                      extra: {type: object, x-kubernetes-preserve-unknown-fields: true}
        """, "apply", "-f", "-").ok();
    k.run("wait", "--for=condition=Established", "crd/gadgets.v2.example.com", "--timeout=30s").ok();
    assertThat(k.run("explain", "--output=plaintext-openapiv2", "gadgets.spec.size").ok().out())
        .contains("KIND:     Gadget", "How big it is.", "<integer>");
    String gadget = """
        apiVersion: v2.example.com/v1
        kind: Gadget
        metadata:
          name: g1
        spec:
          size: 3
          note: null
          extra: {anything: [1, 2]}
        """;
    assertThat(k.runWithInput(gadget, "apply", "-f", "-").ok().out()).contains("gadget.v2.example.com/g1 created");
    Kubectl.Result refused = k.runWithInput(gadget.replace("size: 3", "size: 30"), "apply", "-f", "-");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("spec.size").contains("should be less than or equal to 9");
    k.run("delete", "crd", "gadgets.v2.example.com").ok();
  }

  @Test
  void theDocumentIsNegotiatedAndAskingAgainWithItsEtagCostsA304() throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(ordinal.kubeconfig()))).build()) {
      var http = client.getHttpClient();
      String url = client.getMasterUrl() + "openapi/v2";
      HttpResponse<byte[]> proto = http.sendAsync(http.newHttpRequestBuilder().uri(url).header("Accept", PROTOBUF).build(), byte[].class)
          .get(30, TimeUnit.SECONDS);
      assertThat(proto.code()).isEqualTo(200);
      assertThat(proto.header("Content-Type")).isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
      assertThat(proto.body()[0]).isEqualTo((byte) 0x0a); // field 1 (swagger), length-delimited
      String etag = proto.header("ETag");
      assertThat(etag).startsWith("\"").endsWith("\"").hasSize(130);

      HttpRequest again = http.newHttpRequestBuilder().uri(url).header("Accept", PROTOBUF).header("If-None-Match", etag).build();
      HttpResponse<byte[]> notModified = http.sendAsync(again, byte[].class).get(30, TimeUnit.SECONDS);
      assertThat(notModified.code()).isEqualTo(304);
      assertThat(notModified.body()).isEmpty();

      HttpResponse<String> json = http.sendAsync(http.newHttpRequestBuilder().uri(url).header("Accept", "application/json").build(), String.class)
          .get(30, TimeUnit.SECONDS);
      assertThat(json.code()).isEqualTo(200);
      assertThat(json.header("ETag")).isEqualTo(etag); // one tag for both encodings, as upstream
      assertThat(json.body()).startsWith("{\"swagger\":\"2.0\"").contains("\"io.k8s.api.apps.v1.StatefulSet\"");

      HttpResponse<String> html = http.sendAsync(http.newHttpRequestBuilder().uri(url).header("Accept", "text/html").build(), String.class)
          .get(30, TimeUnit.SECONDS);
      assertThat(html.code()).isEqualTo(406);
    }
  }
}
