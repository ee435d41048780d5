package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which pods use which image, from the bundles' annotations: only runs whose root is mounted count. */
class ImageUsersTest {
  @TempDir Path data;

  private final Set<String> mounted = new HashSet<>();

  /** Writes a run's config.json as the launch annotates it; {@code mountedRoot} as if its overlay were mounted. */
  private void run(String uid, String ns, String pod, String container, int attempt, String storeId, boolean mountedRoot) throws Exception {
    Path dir = Files.createDirectories(data.resolve("pods").resolve(uid).resolve("containers").resolve(container).resolve("" + attempt));
    ObjectNode p = Json.object();
    p.putObject("metadata").put("namespace", ns).put("name", pod);
    ObjectNode c = Json.object().put("name", container).put("image", "img");
    ObjectNode oci = Json.object();
    ImageUsers.annotate(oci, p, c, new ImageResolver.Resolved(ImageConfig.SHELL, List.of(), "", List.of(), List.of(), "", storeId));
    Files.write(dir.resolve("config.json"), Json.MAPPER.writeValueAsBytes(oci));
    if (mountedRoot) {
      mounted.add(dir.resolve("merged").toAbsolutePath().normalize().toString());
    }
  }

  @Test
  void thePodsOfEachImageAreTheRunsWithAMountedRoot() throws Exception {
    run("u1", "default", "web-0", "app", 0, "aaa", true);
    run("u2", "default", "web-1", "app", 0, "aaa", true);
    run("u2", "default", "web-1", "side", 0, "bbb", true);
    run("u3", "team", "job-x", "app", 0, "ccc", false); // exited and removed: its root is unmounted
    run("u4", "team", "host", "app", 0, "", true); // a host image: no store id
    run("u5", "team", "again", "app", 0, "ddd", false); // an earlier run, removed
    run("u5", "team", "again", "app", 1, "ddd", true); // and the current one
    assertThat(ImageUsers.scan(data, mounted)).isEqualTo(Map.of(
        "aaa", Set.of("default/web-0", "default/web-1"),
        "bbb", Set.of("default/web-1"),
        "ddd", Set.of("team/again")));
  }

  @Test
  void aDataDirectoryWithoutPodsHasNoUsers() throws Exception {
    assertThat(ImageUsers.scan(data, mounted)).isEmpty();
    Files.createDirectories(data.resolve("pods/u1/containers/app/0")); // no config.json yet (the run is being set up)
    mounted.add(data.resolve("pods/u1/containers/app/0/merged").toAbsolutePath().normalize().toString());
    assertThat(ImageUsers.scan(data, mounted)).isEmpty();
  }

  @Test
  void theAnnotationsAreContainerdsCriOnes() {
    ObjectNode p = Json.object();
    p.putObject("metadata").put("namespace", "default").put("name", "web-0");
    ObjectNode oci = Json.object();
    ImageUsers.annotate(oci, p, Json.object().put("name", "nginx").put("image", "nginx:1.27"),
        new ImageResolver.Resolved(ImageConfig.SHELL, List.of(), "", List.of(), List.of(), "docker.io/library/nginx@sha256:x", "abc"));
    assertThat(oci.path("annotations").toString()).isEqualTo("{\"io.kubernetes.cri.sandbox-namespace\":\"default\","
        + "\"io.kubernetes.cri.sandbox-name\":\"web-0\",\"io.kubernetes.cri.container-name\":\"nginx\","
        + "\"io.kubernetes.cri.image-name\":\"nginx:1.27\",\"dev.ordinal.image.store-id\":\"abc\"}");
  }
}
