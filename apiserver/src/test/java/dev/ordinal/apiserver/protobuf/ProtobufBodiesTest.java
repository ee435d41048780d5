package dev.ordinal.apiserver.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** Bodies captured from `kubectl create svc clusterip my --tcp=80:8080 --clusterip=None` and `create secret generic`. */
class ProtobufBodiesTest {

  static byte[] fixture(String name) throws Exception {
    try (InputStream in = ProtobufBodiesTest.class.getResourceAsStream("/protobuf/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void decodesAServiceAsKubectlSendsIt() throws Exception {
    ObjectNode svc = ProtobufBodies.decode(fixture("service.bin"));
    assertThat(svc.path("kind").asText()).isEqualTo("Service");
    assertThat(svc.path("metadata").path("name").asText()).isEqualTo("my");
    assertThat(svc.path("metadata").has("namespace")).isFalse();
    var port = svc.path("spec").path("ports").get(0);
    assertThat(port.path("port").asInt()).isEqualTo(80);
    assertThat(port.path("targetPort").isInt()).isTrue();
    assertThat(port.path("targetPort").asInt()).isEqualTo(8080);
    assertThat(svc.path("spec").path("clusterIP").asText()).isEqualTo("None");
    assertThat(svc.path("spec").path("selector").path("app").asText()).isEqualTo("my");
  }

  @Test
  void decodesSecretBytesAsBase64() throws Exception {
    ObjectNode secret = ProtobufBodies.decode(fixture("secret.bin"));
    assertThat(secret.path("data").path("password").asText()).isEqualTo("aHVudGVyMg==");
    assertThat(secret.path("data").path("user").asText()).isEqualTo("YWRtaW4=");
  }

  @Test
  void keepsAZeroGracePeriodOfDeleteOptions() {
    // kubectl drain --grace-period=0: raw = {gracePeriodSeconds: 0}, zero on the wire but a value
    byte[] body = java.util.HexFormat.of().parseHex("6b3873000a130a027631120d44656c6574654f7074696f6e73120208001a002200");
    ObjectNode opts = ProtobufBodies.decode(body);
    assertThat(opts.path("kind").asText()).isEqualTo("DeleteOptions");
    assertThat(opts.has("gracePeriodSeconds")).isTrue();
    assertThat(opts.path("gracePeriodSeconds").asLong(-1)).isZero();
  }

  @Test
  void refusesWhatItCannotRead() throws Exception {
    assertThatThrownBy(() -> ProtobufBodies.decode("{}".getBytes())).isInstanceOf(ProtoException.class);
    byte[] body = fixture("service.bin");
    byte[] truncated = java.util.Arrays.copyOf(body, body.length - 20);
    assertThatThrownBy(() -> ProtobufBodies.decode(truncated)).isInstanceOf(ProtoException.class);
  }
}
