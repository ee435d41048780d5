package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.registry.RegistryConfig;
import dev.ordinal.node.runtime.ContainerEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container's image step against a real registry (TLS + htpasswd): the pull runs off the sync
 * (the step answers at once, ContainerCreating, until the pull is done), the pod's pull secret is
 * used, a wrong one gives ErrImagePull then ImagePullBackOff until the back-off is over, Never
 * never pulls; with kubelet's events each time.
 */
class PodImagesIT {
  @TempDir static Path tmp;
  static LocalRegistry registry;

  @BeforeAll
  static void start() throws Exception {
    registry = new LocalRegistry(tmp.resolve("reg"), "alice", "s3cret");
    registry.push("team/app:1", "alice:s3cret", "base", "app-one");
    registry.push("team/app:2", "alice:s3cret", "base", "app-two");
    registry.push("team/other:1", "alice:s3cret", "other");
  }

  @AfterAll
  static void stop() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  static final Map<String, ObjectNode> SECRETS = Map.of(
      "good", secret("alice", "s3cret"), "bad", secret("alice", "wrong"));

  static ObjectNode secret(String user, String password) {
    String json = "{\"auths\":{\"" + "127.0.0.1:" + "PORT" + "\":{\"auth\":\""
        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\"}}}";
    ObjectNode s = Json.object();
    s.put("type", "kubernetes.io/dockerconfigjson");
    s.putObject("data").put(".dockerconfigjson", json);
    return s;
  }

  private PodImages podImages(Path dir) {
    ImageStore store = new ImageStore(dir);
    RegistryConfig config = new RegistryConfig(Map.of(), Map.of(registry.host(), new RegistryConfig.HostConfig(Optional.empty(),
        registry.cert, null, null, false)));
    PodResources resources = new NoPodResources() {
      @Override
      public Optional<ObjectNode> secret(String namespace, String name) {
        ObjectNode s = SECRETS.get(name);
        if (s == null) {
          return Optional.empty();
        }
        ObjectNode copy = s.deepCopy();
        String json = copy.path("data").path(".dockerconfigjson").asText().replace("PORT", String.valueOf(registry.port));
        copy.with("data").put(".dockerconfigjson", Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
        return Optional.of(copy);
      }
    };
    return new PodImages(new ImageResolver(store, dir.resolve("host-images"), new ImagePuller(store, config)), resources);
  }

  static ObjectNode pod(String uid, String secret, String policy) {
    ObjectNode pod = Json.object();
    pod.putObject("metadata").put("name", "p-" + uid).put("namespace", "default").put("uid", uid);
    ObjectNode spec = pod.putObject("spec");
    if (secret != null) {
      spec.putArray("imagePullSecrets").addObject().put("name", secret);
    }
    spec.putArray("containers").addObject().put("name", "app").put("image", registry.host() + "/team/app:1").put("imagePullPolicy", policy);
    return pod;
  }

  private static PodImages.Step until(PodImages images, ObjectNode pod, List<ContainerEvent> events, Instant now, String notReason)
      throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      long t0 = System.nanoTime();
      PodImages.Step s = images.ensure(pod, pod.path("spec").path("containers").get(0), false, events, now);
      assertThat((System.nanoTime() - t0) / 1_000_000).as("the step never waits for the pull").isLessThan(1000);
      if (!(s instanceof PodImages.Waiting w && w.reason().equals(notReason)) || System.nanoTime() > deadline) {
        return s;
      }
      Thread.sleep(20);
    }
  }

  private static List<String> said(List<ContainerEvent> events) {
    return events.stream().map(e -> e.reason() + ": " + e.message()).toList();
  }

  @Test
  void pullsWithThePodsSecretOffTheSync() throws Exception {
    PodImages images = podImages(tmp.resolve("good"));
    ObjectNode pod = pod("u1", "good", "IfNotPresent");
    List<ContainerEvent> events = new ArrayList<>();
    PodImages.Step first = images.ensure(pod, pod.path("spec").path("containers").get(0), false, events, Instant.now());
    assertThat(first).isEqualTo(new PodImages.Waiting("ContainerCreating", "", ((PodImages.Waiting) first).retryAt()));
    PodImages.Step done = until(images, pod, events, Instant.now(), "ContainerCreating");
    assertThat(done).isInstanceOf(PodImages.Ready.class);
    assertThat(((PodImages.Ready) done).image().imageId()).isEqualTo(registry.host() + "/team/app@" + registry.digest("team/app:1", "alice:s3cret"));
    assertThat(said(events)).hasSize(2);
    assertThat(said(events).get(0)).isEqualTo("Pulling: Pulling image \"" + registry.host() + "/team/app:1\"");
    assertThat(said(events).get(1)).matches("Pulled: Successfully pulled image \"127.0.0.1:\\d+/team/app:1\" in [0-9.]+m?s \\([0-9.]+m?s including "
        + "waiting\\)\\. Image size: \\d+ bytes\\. Source: pulled from https://127\\.0\\.0\\.1:\\d+/team/app\\.");
    // a second pod finds it present
    events.clear();
    ObjectNode other = pod("u2", null, "IfNotPresent");
    assertThat(images.ensure(other, other.path("spec").path("containers").get(0), false, events, Instant.now())).isInstanceOf(PodImages.Ready.class);
    assertThat(said(events)).containsExactly("Pulled: Container image \"" + registry.host() + "/team/app:1\" already present on machine "
        + "(local store: pulled from https://" + registry.host() + "/team/app)");
    // Never uses it too; Never in an empty store does not pull
    PodImages empty = podImages(tmp.resolve("never"));
    events.clear();
    ObjectNode never = pod("u3", "good", "Never");
    PodImages.Step n = empty.ensure(never, never.path("spec").path("containers").get(0), false, events, Instant.now());
    assertThat(n).isInstanceOfSatisfying(PodImages.Waiting.class, w -> assertThat(w.reason()).isEqualTo("ErrImageNeverPull"));
    assertThat(said(events)).containsExactly("ErrImageNeverPull: Container image \"" + registry.host() + "/team/app:1\" is not present with "
        + "pull policy of Never", "Failed: Error: ErrImageNeverPull");
  }

  @Test
  void imageGcRemovesUnusedImagesAndKeepsWhatAContainerUses() throws Exception {
    Path dir = tmp.resolve("gc");
    ImageStore store = new ImageStore(dir);
    RegistryConfig config = new RegistryConfig(Map.of(), Map.of(registry.host(), new RegistryConfig.HostConfig(
        Optional.of(dev.ordinal.node.images.registry.Credential.basic("alice", "s3cret")), registry.cert, null, null, false)));
    ImagePuller puller = new ImagePuller(store, config);
    var running = puller.pull(registry.host() + "/team/app:1", dev.ordinal.node.images.registry.DockerConfig.NONE);
    var sibling = puller.pull(registry.host() + "/team/app:2", dev.ordinal.node.images.registry.DockerConfig.NONE);
    var other = puller.pull(registry.host() + "/team/other:1", dev.ordinal.node.images.registry.DockerConfig.NONE);
    // a container runs on app:1, whose names were removed by hand (ordinal image rm): GC still keeps its layers
    store.remove(registry.host() + "/team/app:1");
    store.remove(running.imageId());
    // every threshold crossed: free as much as possible
    ImageGc gc = new ImageGc(store, new dev.ordinal.node.images.ImageGcPlan.Policy(1, 0, java.time.Duration.ZERO),
        () -> Set.of(running.image().id()), Map::of);
    List<String> removed = gc.collect(Instant.now());
    assertThat(removed).contains(registry.host() + "/team/app:2", registry.host() + "/team/other:1");
    assertThat(store.size(running.image().id())).as("the image a container uses").isPositive();
    for (Path layer : running.image().layers()) {
      assertThat(layer).as("its layers, the shared base too").isDirectory();
    }
    assertThat(sibling.image().layers().get(1)).as("app:2's own layer").doesNotExist();
    assertThat(other.image().layers().get(0)).doesNotExist();
    assertThat(store.lookup(registry.host() + "/team/other:1")).isEmpty();
  }

  @Test
  void aWrongSecretBacksOff() throws Exception {
    PodImages images = podImages(tmp.resolve("bad"));
    ObjectNode pod = pod("u4", "bad", "IfNotPresent");
    List<ContainerEvent> events = new ArrayList<>();
    Instant t0 = Instant.now();
    PodImages.Step failed = until(images, pod, events, t0, "ContainerCreating");
    assertThat(failed).isInstanceOfSatisfying(PodImages.Waiting.class, w -> {
      assertThat(w.reason()).isEqualTo("ErrImagePull");
      assertThat(w.message()).contains("failed to pull and unpack image").contains("refused the credentials of alice");
    });
    assertThat(said(events)).element(1).asString().startsWith("Failed: Failed to pull image \"" + registry.host() + "/team/app:1\": ");
    assertThat(said(events)).last().isEqualTo("Failed: Error: ErrImagePull");
    events.clear();
    PodImages.Step backOff = images.ensure(pod, pod.path("spec").path("containers").get(0), false, events, t0.plusSeconds(5));
    assertThat(backOff).isInstanceOfSatisfying(PodImages.Waiting.class, w -> {
      assertThat(w.reason()).isEqualTo("ImagePullBackOff");
      assertThat(w.message()).startsWith("Back-off pulling image \"" + registry.host() + "/team/app:1\": ErrImagePull: failed to pull");
    });
    assertThat(said(events)).containsExactly("BackOff: Back-off pulling image \"" + registry.host() + "/team/app:1\"",
        "Failed: Error: ImagePullBackOff");
    events.clear();
    images.ensure(pod, pod.path("spec").path("containers").get(0), false, events, t0.plusSeconds(6));
    assertThat(events).as("one BackOff per wait").isEmpty();
    // once the wait is over, the next sync pulls again
    PodImages.Step again = images.ensure(pod, pod.path("spec").path("containers").get(0), false, events, Instant.now().plusSeconds(11));
    assertThat(again).isInstanceOfSatisfying(PodImages.Waiting.class, w -> assertThat(w.reason()).isEqualTo("ContainerCreating"));
    assertThat(said(events)).containsExactly("Pulling: Pulling image \"" + registry.host() + "/team/app:1\"");
  }
}
