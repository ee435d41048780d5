package dev.ordinal.node.images.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryConfigTest {
  @Test
  void mirrorsComeFirstThenTheRegistryItself(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("registries.yaml");
    Files.writeString(f, """
        mirrors:
          docker.io:
            endpoint: ["http://127.0.0.1:5001", "mirror.local:5000"]
            rewrite:
              "^library/(.*)": "hub/$1"
        configs:
          "mirror.local:5000":
            auth: {username: u, password: p}
            tls: {ca_file: ca.pem, insecure_skip_verify: true}
          "other:443":
            auth: {auth: %s}
        """.formatted(Base64.getEncoder().encodeToString("a:b:c".getBytes(StandardCharsets.UTF_8))));
    RegistryConfig c = RegistryConfig.load(f);
    List<RegistryConfig.Endpoint> eps = c.endpoints(ImageName.parse("nginx:1"));
    assertThat(eps).extracting(e -> e.base().toString() + " " + e.repository()).containsExactly(
        "http://127.0.0.1:5001 hub/nginx", "https://mirror.local:5000 hub/nginx", "https://registry-1.docker.io library/nginx");
    assertThat(c.endpoints(ImageName.parse("ikubernetes/myapp:v5")).get(0).repository()).isEqualTo("ikubernetes/myapp");
    assertThat(c.endpoints(ImageName.parse("q.io/x:1"))).extracting(e -> e.base().toString()).containsExactly("https://q.io");
    assertThat(c.namesEndpointFor("docker.io")).isTrue();
    assertThat(c.namesEndpointFor("q.io")).isFalse();
    RegistryConfig.HostConfig m = c.config("mirror.local:5000");
    assertThat(m.auth()).contains(Credential.basic("u", "p"));
    assertThat(m.caFile()).isEqualTo(dir.resolve("ca.pem"));
    assertThat(m.insecureSkipVerify()).isTrue();
    assertThat(c.config("other:443").auth()).contains(Credential.basic("a", "b:c"));
    assertThat(c.config("nowhere")).isEqualTo(RegistryConfig.HostConfig.NONE);
  }

  @Test
  void pullSecretsOfBothShapes() throws Exception {
    String json = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + Base64.getEncoder().encodeToString("hub:pw".getBytes())
        + "\"},\"127.0.0.1:5000\":{\"username\":\"u\",\"password\":\"p\"}}}";
    DockerConfig c = new DockerConfig(DockerConfig.parse(json.getBytes()));
    assertThat(c.lookup("docker.io")).contains(Credential.basic("hub", "pw"));
    assertThat(c.lookup("registry-1.docker.io")).contains(Credential.basic("hub", "pw"));
    assertThat(c.lookup("127.0.0.1:5000")).contains(Credential.basic("u", "p"));
    assertThat(c.lookup("127.0.0.1:5001")).isEmpty();
    DockerConfig old = new DockerConfig(DockerConfig.parse("{\"r.io\":{\"username\":\"o\",\"password\":\"q\"}}".getBytes()));
    assertThat(old.lookup("r.io")).contains(Credential.basic("o", "q"));
  }
}
