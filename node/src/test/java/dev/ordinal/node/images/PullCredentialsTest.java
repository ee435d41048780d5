package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.registry.Credential;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.ImageName;
import dev.ordinal.node.images.registry.RegistryConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pull secrets as kubelet reads them, and the order credentials are tried in. */
class PullCredentialsTest {
  static ObjectNode secret(String type, String key, String json) {
    ObjectNode s = Json.object();
    s.put("type", type);
    s.putObject("data").put(key, Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
    return s;
  }

  static final List<JsonNode> SECRETS = List.of(
      secret("kubernetes.io/dockerconfigjson", ".dockerconfigjson", "{\"auths\":{\"reg.example:5000\":{\"username\":\"a\",\"password\":\"1\"}}}"),
      secret("kubernetes.io/dockercfg", ".dockercfg", "{\"https://reg.example:5000/v1/\":{\"auth\":\"" + Base64.getEncoder()
          .encodeToString("b:2".getBytes(StandardCharsets.UTF_8)) + "\"},\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"3\"}}"),
      secret("Opaque", ".dockerconfigjson", "{\"auths\":{\"reg.example:5000\":{\"username\":\"ignored\",\"password\":\"x\"}}}"),
      secret("kubernetes.io/dockerconfigjson", ".dockerconfigjson", "not json"));

  @Test
  void secretsOfBothTypesInTheirOrderOthersIgnored() {
    DockerConfig c = DockerConfig.fromSecrets(SECRETS);
    assertThat(c.lookupAll("reg.example:5000")).containsExactly(Credential.basic("a", "1"), Credential.basic("b", "2"));
    assertThat(c.lookupAll("docker.io")).containsExactly(Credential.basic("hub", "3"));
    assertThat(c.lookupAll("other:5000")).isEmpty();
    assertThat(c.fingerprint()).isNotEqualTo(DockerConfig.fromSecrets(SECRETS.subList(0, 1)).fingerprint()).startsWith("sha256:");
  }

  @Test
  void podSecretsFirstThenTheNodesThenAnonymous() {
    ImageName name = ImageName.parse("reg.example:5000/team/app:1");
    RegistryConfig.Endpoint own = new RegistryConfig.Endpoint(URI.create("https://reg.example:5000"), "team/app", true);
    RegistryConfig.HostConfig node = new RegistryConfig.HostConfig(Optional.of(Credential.basic("node", "n")), null, null, null, false);
    DockerConfig secrets = DockerConfig.fromSecrets(SECRETS);
    assertThat(ImagePuller.credentials(name, own, node, secrets)).containsExactly(Optional.of(Credential.basic("a", "1")),
        Optional.of(Credential.basic("b", "2")), Optional.of(Credential.basic("node", "n")));
    assertThat(ImagePuller.credentials(name, own, RegistryConfig.HostConfig.NONE, DockerConfig.NONE)).containsExactly(Optional.empty());
    // at a mirror: the mirror host's entries, then the image's registry's
    RegistryConfig.Endpoint mirror = new RegistryConfig.Endpoint(URI.create("https://mirror:5000"), "team/app", false);
    assertThat(ImagePuller.credentials(name, mirror, RegistryConfig.HostConfig.NONE, secrets)).containsExactly(
        Optional.of(Credential.basic("a", "1")), Optional.of(Credential.basic("b", "2")));
  }
}
