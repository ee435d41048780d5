package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.PullError;
import dev.ordinal.node.images.registry.RegistryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void aTamperedLayerIsADigestMismatchAndStoresNothing() throws Exception {
    registry.push("team/tampered:1", "alice:s3cret", "tampered-only-layer");
    JsonNode manifest = Json.MAPPER.readTree(registry.rawManifest("team/tampered:1", "alice:s3cret"));
    String layer = manifest.path("layers").get(0).path("digest").asText();
    Path data = registry.blobData(layer);
    byte[] junk = new byte[(int) Files.size(data)]; // the same size: the registry serves it as it stands
    new java.util.Random(7).nextBytes(junk);
    Files.write(data, junk);
    ImageStore store = new ImageStore(tmp.resolve("tampered"));
    String ref = registry.host() + "/team/tampered:1";
    assertThatThrownBy(() -> new ImagePuller(store, config("alice", "s3cret", true)).pull(ref, DockerConfig.NONE))
        .isInstanceOfSatisfying(PullError.class, e -> assertThat(e.kind()).isEqualTo(PullError.Kind.DIGEST_MISMATCH))
        .hasMessageStartingWith("failed to pull and unpack image \"" + ref + "\": failed commit on ref \"layer-" + layer
            + "\": unexpected commit digest sha256:")
        .hasMessageEndingWith(", expected " + layer + ": failed precondition");
    assertThat(store.list()).isEmpty();
    assertThat(store.root().resolve("layers")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
    assertThat(store.root().resolve("images")).doesNotExist();
    assertThat(store.root().resolve("tmp")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void anIndexGivesItsAmd64ImageAndOneWithoutItSaysSo() throws Exception {
    List<String> cmd = List.of("sh");
    Path layout = registry.ociLayout(cmd, List.of(LocalRegistry.Layer.file("said", "amd64")), List.of("index-amd64"));
    registry.ociLayout(cmd, List.of(LocalRegistry.Layer.file("said", "arm64")), List.of("index-arm64"));
    String amd64 = LocalRegistry.tagOf(cmd, List.of("index-amd64"));
    String arm64 = LocalRegistry.tagOf(cmd, List.of("index-arm64"));
    Path both = MultiPlatformLayout.write(layout, tmp.resolve("index-both"), "both", List.of(
        new MultiPlatformLayout.Entry(arm64, "linux", "arm64", "v8"), new MultiPlatformLayout.Entry(amd64, "linux", "amd64", "")), true);
    registry.pushIndex(both, "both", "team/multi:1", "alice:s3cret");
    Path armOnly = MultiPlatformLayout.write(layout, tmp.resolve("index-arm"), "arm", List.of(
        new MultiPlatformLayout.Entry(arm64, "linux", "arm64", "v8")), true);
    registry.pushIndex(armOnly, "arm", "team/multi:arm-only", "alice:s3cret");
    JsonNode index = Json.MAPPER.readTree(registry.rawManifest("team/multi:1", "alice:s3cret"));
    assertThat(index.path("manifests")).as("pushed as written: two images and the attestation").hasSize(3);

    ImageStore store = new ImageStore(tmp.resolve("multi"));
    ImagePuller puller = new ImagePuller(store, config("alice", "s3cret", true));
    ImagePuller.Pulled p = puller.pull(registry.host() + "/team/multi:1", DockerConfig.NONE);
    assertThat(Files.readString(p.image().layers().get(0).resolve("said"))).isEqualTo("amd64");
    assertThat(p.imageId()).isEqualTo(registry.host() + "/team/multi@" + registry.digest("team/multi:1", "alice:s3cret"));
    String armRef = registry.host() + "/team/multi:arm-only";
    assertThatThrownBy(() -> puller.pull(armRef, DockerConfig.NONE))
        .isInstanceOfSatisfying(PullError.class, e -> assertThat(e.kind()).isEqualTo(PullError.Kind.NO_PLATFORM))
        .hasMessage("failed to pull and unpack image \"" + armRef + "\": no match for platform in manifest: not found (this node runs "
            + "linux/amd64; the image has linux/arm64/v8)");
    assertThat(store.lookup(armRef)).isEmpty();
  }
}
