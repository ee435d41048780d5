package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Subresources nothing serves answer Kubernetes' generic 404 whatever their body, because the
 * path is refused before the body is read; and DeleteOptions arrive in protobuf as kubectl drain
 * sends them.
 */
class UnservedSubresourcesIT extends ApiServerTestBase {
  /** What kubectl drain --grace-period=0 sends with its DELETE (captured from kubectl 1.32 at -v=8). */
  static final byte[] DRAIN_DELETE_OPTIONS =
      HexFormat.of().parseHex("6b3873000a130a027631120d44656c6574654f7074696f6e73120208001a002200");

  static final String NOT_FOUND = """
      {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",\
      "message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}""";

  @BeforeAll
  static void seed() {
    api.client.pods().resource(new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withNewSpec().withNodeName("n1").addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
    api.client.configMaps().resource(CrudIT.configMap("cm")).create();
  }

  @Test
  void unservedSubresourcesAre404BeforeTheirBodyIsRead() throws Exception {
    List<String> paths = List.of(
        "/api/v1/namespaces/default/pods/p/proxy",
        "/api/v1/namespaces/default/configmaps/cm/status",
        "/api/v1/namespaces/default/services/s/proxy",
        "/apis/apps/v1/namespaces/default/statefulsets/s/rollback",
        "/api/v1/nodes/n1/proxy",
        "/api/v1/namespaces/default/secrets/s/status");
    byte[] protobufGarbage = "k8s\0\u0001\u0002garbage".getBytes(StandardCharsets.ISO_8859_1);
    // beyond the 3 MiB limit: read, it would be a 413 (sent with Expect: 100-continue, it is not
    // even sent unless the server starts reading)
    byte[] huge = new byte[4 * 1024 * 1024];
    huge[0] = '{';
    int checked = 0;
    for (String path : paths) {
      for (String method : List.of("POST", "PUT", "PATCH")) {
        for (byte[] body : List.of(protobufGarbage, DRAIN_DELETE_OPTIONS, "{not json".getBytes(StandardCharsets.UTF_8), huge)) {
          HttpResponse<String> r = api.sendBytes(method, path, "application/vnd.kubernetes.protobuf", body);
          assertThat(r.statusCode()).as("%s %s", method, path).isEqualTo(404);
          assertThat(Json.MAPPER.readTree(r.body())).as("%s %s", method, path).isEqualTo(Json.MAPPER.readTree(NOT_FOUND));
          checked++;
        }
      }
      assertThat(api.get(path, null).statusCode()).isEqualTo(404);
    }
    assertThat(checked).isEqualTo(paths.size() * 3 * 4);
    // the pod was not touched
    assertThat(api.client.pods().withName("p").get().getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void deleteOptionsInProtobufAreRead() throws Exception {
    api.client.pods().resource(new PodBuilder().withNewMetadata().withName("drained").endMetadata()
        .withNewSpec().withNodeName("n1").addNewContainer().withName("c").withImage("nginx").endContainer().endSpec().build()).create();
    // gracePeriodSeconds: 0 on the wire: removed at once (a pod on a node otherwise waits for its node)
    HttpResponse<String> r = api.sendBytes("DELETE", "/api/v1/namespaces/default/pods/drained",
        "application/vnd.kubernetes.protobuf", DRAIN_DELETE_OPTIONS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(api.client.pods().withName("drained").get()).isNull();

    // preconditions.uid (field 2.1) is honoured
    api.client.configMaps().resource(CrudIT.configMap("guarded")).create();
    byte[] raw = concat(new byte[] {0x12, 0x05, 0x0a, 0x03}, "bad".getBytes(StandardCharsets.UTF_8));
    r = api.sendBytes("DELETE", "/api/v1/namespaces/default/configmaps/guarded", "application/vnd.kubernetes.protobuf",
        envelope(raw));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
    JsonNode status = Json.MAPPER.readTree(r.body());
    assertThat(status.path("message").asText()).contains("Precondition failed: UID in precondition: bad");
    assertThat(api.client.configMaps().withName("guarded").get()).isNotNull();
  }

  /** The protobuf envelope: magic, runtime.Unknown{typeMeta{v1, DeleteOptions}, raw}. */
  static byte[] envelope(byte[] raw) {
    byte[] typeMeta = HexFormat.of().parseHex("0a027631120d44656c6574654f7074696f6e73");
    byte[] unknown = concat(new byte[] {0x0a, (byte) typeMeta.length}, typeMeta, new byte[] {0x12, (byte) raw.length}, raw);
    return concat("k8s\0".getBytes(StandardCharsets.ISO_8859_1), unknown);
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
