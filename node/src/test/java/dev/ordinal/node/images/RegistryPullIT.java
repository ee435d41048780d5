package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.PullError;
import dev.ordinal.node.images.registry.RegistryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls from a real registry (TLS + htpasswd) into the store: success, credentials, errors that store nothing, shared layers. */
class RegistryPullIT {
  @TempDir static Path tmp;
  static LocalRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    registry = new LocalRegistry(tmp.resolve("reg"), "alice", "s3cret");
    registry.push("team/app:v1", "alice:s3cret", "base", "app-one");
    registry.push("team/app:v2", "alice:s3cret", "base", "app-two");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  private RegistryConfig config(String user, String password, boolean ca) {
    return new RegistryConfig(Map.of(), Map.of(registry.host(), new RegistryConfig.HostConfig(
        user == null ? Optional.empty() : Optional.of(dev.ordinal.node.images.registry.Credential.basic(user, password)),
        ca ? registry.cert : null, null, null, false)));
  }

  @Test
  void pullsVerifiesAndSharesLayers() throws Exception {
    ImageStore store = new ImageStore(tmp.resolve("ok"));
    ImagePuller puller = new ImagePuller(store, config("alice", "s3cret", true));
    ImagePuller.Pulled v1 = puller.pull(registry.host() + "/team/app:v1", DockerConfig.NONE);
    assertThat(v1.imageId()).startsWith(registry.host() + "/team/app@sha256:");
    assertThat(v1.image().imageId()).isEqualTo(v1.imageId());
    assertThat(v1.image().layers()).hasSize(2);
    assertThat(Files.readString(v1.image().layers().get(1).resolve("layer1"))).isEqualTo("app-one");
    assertThat(v1.image().env()).containsEntry("PATH", ImageStore.DEFAULT_PATH);
    ImagePuller.Pulled v2 = puller.pull(registry.host() + "/team/app:v2", DockerConfig.NONE);
    assertThat(v2.image().layers().get(0)).as("the shared base layer is one directory").isEqualTo(v1.image().layers().get(0));
    assertThat(store.lookup(v1.imageId())).as("found by repo@digest too").isPresent();
    // pulled again (imagePullPolicy Always), unchanged: the store's image, its name back
    store.remove(registry.host() + "/team/app:v1");
    ImagePuller.Pulled again = puller.pull(registry.host() + "/team/app:v1", DockerConfig.NONE);
    assertThat(again.imageId()).isEqualTo(v1.imageId());
    assertThat(again.image().layers()).isEqualTo(v1.image().layers());
    assertThat(store.lookup(registry.host() + "/team/app:v1")).isPresent();
  }

  @Test
  void pullSecretCredentialsWork() throws Exception {
    ImageStore store = new ImageStore(tmp.resolve("secret"));
    DockerConfig secret = new DockerConfig(DockerConfig.parse(
        ("{\"auths\":{\"" + registry.host() + "\":{\"username\":\"alice\",\"password\":\"s3cret\"}}}").getBytes()));
    assertThat(new ImagePuller(store, config(null, null, true)).pull(registry.host() + "/team/app:v1", secret).image().layers()).hasSize(2);
  }

  @Test
  void eachFailureHasItsOwnMessageAndStoresNothing() throws Exception {
    String ref = registry.host() + "/team/app:v1";
    Object[][] cases = {
        {config(null, null, true), ref, PullError.Kind.UNAUTHORIZED, "pull access denied"},
        {config("alice", "wrong", true), ref, PullError.Kind.UNAUTHORIZED, "refused the credentials of alice"},
        {config("alice", "s3cret", true), registry.host() + "/team/app:nope", PullError.Kind.NOT_FOUND, "not found"},
        {config("alice", "s3cret", false), ref, PullError.Kind.TLS, "tls: failed to verify certificate"},
    };
    int i = 0;
    for (Object[] c : cases) {
      ImageStore store = new ImageStore(tmp.resolve("fail" + i++));
      assertThatThrownBy(() -> new ImagePuller(store, (RegistryConfig) c[0]).pull((String) c[1], DockerConfig.NONE))
          .as((String) c[3]).isInstanceOfSatisfying(PullError.class, e -> assertThat(e.kind()).isEqualTo(c[2]))
          .hasMessageContaining("failed to pull and unpack image \"" + c[1] + "\"").hasMessageContaining((String) c[3]);
      assertThat(store.list()).isEmpty();
      assertThat(store.root().resolve("layers")).doesNotExist();
    }
  }
}
