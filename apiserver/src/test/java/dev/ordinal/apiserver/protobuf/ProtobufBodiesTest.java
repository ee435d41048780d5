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

  /** A minimal protobuf writer for hand-made bodies: tag, then a varint or length-delimited bytes. */
  static byte[] field(int number, Object value) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    if (value instanceof Integer i) {
      varint(out, number << 3);
      varint(out, i);
    } else {
      byte[] b = value instanceof String str ? str.getBytes(java.nio.charset.StandardCharsets.UTF_8) : (byte[]) value;
      varint(out, (number << 3) | 2);
      varint(out, b.length);
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static void varint(java.io.ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Test
  void decodesADeploymentAsKubectlCreateDeploymentSendsIt() {
    byte[] labels = field(11, concat(field(1, "app"), field(2, "web")));
    byte[] container = concat(field(1, "nginx"), field(2, "nginx:1.27"), field(8, new byte[0]),
        field(6, concat(field(3, 80))));
    byte[] template = concat(field(1, labels), field(2, field(2, container)));
    byte[] spec = concat(field(1, 0), field(2, field(1, concat(field(1, "app"), field(2, "web")))), field(3, template),
        field(4, new byte[0]));
    byte[] raw = concat(field(1, concat(field(1, "web"), labels)), field(2, spec), field(3, new byte[0]));
    byte[] envelope = concat(new byte[] {'k', '8', 's', 0}, field(1, concat(field(1, "apps/v1"), field(2, "Deployment"))), field(2, raw));
    ObjectNode d = ProtobufBodies.decode(envelope);
    assertThat(d.path("kind").asText()).isEqualTo("Deployment");
    assertThat(d.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
    assertThat(d.path("spec").has("replicas")).isTrue(); // --replicas=0 is a value (a pointer in Go)
    assertThat(d.path("spec").path("replicas").asInt(-1)).isZero();
    assertThat(d.path("spec").path("selector").path("matchLabels").path("app").asText()).isEqualTo("web");
    var c = d.path("spec").path("template").path("spec").path("containers").get(0);
    assertThat(c.path("image").asText()).isEqualTo("nginx:1.27");
    assertThat(c.path("ports").get(0).path("containerPort").asInt()).isEqualTo(80);
    assertThat(d.path("spec").has("strategy")).isFalse();
  }

  @Test
  void decodesTheWholePodTemplateKubectlCreateJobFromCronJobCopies() {
    byte[] secretKeyRef = concat(field(1, field(1, "mysql")), field(2, "password"));
    byte[] env = concat(field(1, "MYSQL_PWD"), field(3, field(4, secretKeyRef)));
    byte[] cpu = concat(field(1, "cpu"), field(2, field(1, "250m")));
    byte[] resources = field(2, cpu);
    byte[] mount = concat(field(1, "backup"), field(2, 0), field(3, "/backup"), field(4, ""));
    byte[] probe = concat(field(1, field(1, field(1, "mysqladmin"))), field(2, 30), field(4, 10));
    byte[] container = concat(field(1, "dump"), field(2, "mariadb:10.11"), field(7, env), field(8, resources), field(9, mount),
        field(10, probe), field(15, field(4, 0)));
    byte[] pvc = field(10, concat(field(1, "backup"), field(2, 0)));
    byte[] configMap = field(19, concat(field(1, field(1, "conf")), field(3, 0x1ed)));
    byte[] volumes = concat(field(1, concat(field(1, "backup"), field(2, pvc))), field(1, concat(field(1, "conf"), field(2, configMap))));
    byte[] podSpec = concat(volumes, field(2, container), field(3, "OnFailure"),
        field(14, concat(field(4, 999), field(4, 1000), field(5, 999))), field(30, 1));
    byte[] spec = concat(field(6, concat(field(1, new byte[0]), field(2, podSpec))), field(7, 2));
    byte[] raw = concat(field(1, field(1, "backup-now")), field(2, spec), field(3, new byte[0]));
    byte[] envelope = concat(new byte[] {'k', '8', 's', 0}, field(1, concat(field(1, "batch/v1"), field(2, "Job"))), field(2, raw));
    ObjectNode job = ProtobufBodies.decode(envelope);
    var pod = job.path("spec").path("template").path("spec");
    assertThat(pod.path("volumes").get(0).path("persistentVolumeClaim").path("claimName").asText()).isEqualTo("backup");
    assertThat(pod.path("volumes").get(1).path("configMap").path("name").asText()).isEqualTo("conf");
    assertThat(pod.path("volumes").get(1).path("configMap").path("defaultMode").asInt()).isEqualTo(0755);
    var c = pod.path("containers").get(0);
    assertThat(c.path("env").get(0).path("valueFrom").path("secretKeyRef").path("name").asText()).isEqualTo("mysql");
    assertThat(c.path("env").get(0).path("valueFrom").path("secretKeyRef").path("key").asText()).isEqualTo("password");
    assertThat(c.path("resources").path("requests").path("cpu").asText()).isEqualTo("250m");
    assertThat(c.path("volumeMounts").get(0).path("mountPath").asText()).isEqualTo("/backup");
    assertThat(c.path("volumeMounts").get(0).has("readOnly")).isFalse();
    assertThat(c.path("livenessProbe").path("exec").path("command").get(0).asText()).isEqualTo("mysqladmin");
    assertThat(c.path("livenessProbe").path("initialDelaySeconds").asInt()).isEqualTo(30);
    assertThat(c.path("securityContext").has("runAsUser")).as("a pointer: 0 is root").isTrue();
    assertThat(c.path("securityContext").path("runAsUser").asInt(-1)).isZero();
    assertThat(pod.path("securityContext").path("supplementalGroups").toString()).isEqualTo("[999,1000]");
    assertThat(pod.path("securityContext").path("fsGroup").asInt()).isEqualTo(999);
    assertThat(pod.path("enableServiceLinks").asBoolean()).isTrue();
    assertThat(job.path("spec").path("backoffLimit").asInt()).isEqualTo(2);
  }
}
