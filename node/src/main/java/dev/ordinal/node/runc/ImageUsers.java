package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Which pods use which stored image, read from the containers' bundles on disk, as containerd keeps
 * a container's image in its own metadata: each run's {@code config.json} carries the CRI
 * annotations of the pod, the container and the image ({@link #annotate}); a run whose overlay root
 * is still mounted (running, or stopped and not yet removed) uses the image. Being on disk, it
 * serves the agent and the {@code ordinal image list|prune} commands alike (another process, which
 * does not see the agent's memory), and it holds across agent restarts.
 */
public final class ImageUsers {
  /** containerd's CRI annotations (pkg/cri/annotations), the same names. */
  static final String POD_NAMESPACE = "io.kubernetes.cri.sandbox-namespace";
  static final String POD_NAME = "io.kubernetes.cri.sandbox-name";
  static final String CONTAINER_NAME = "io.kubernetes.cri.container-name";
  static final String IMAGE_NAME = "io.kubernetes.cri.image-name";
  /** The store id (config digest, hex) of the image the run's layers come from; none for a host image. */
  static final String STORE_ID = "dev.ordinal.image.store-id";

  private ImageUsers() {}

  /** Writes the annotations that name the run's pod, container and image into its OCI config. */
  static void annotate(ObjectNode oci, ObjectNode pod, JsonNode container, ImageResolver.Resolved image) {
    ObjectNode a = oci.with("annotations");
    a.put(POD_NAMESPACE, Meta.namespace(pod));
    a.put(POD_NAME, Meta.name(pod));
    a.put(CONTAINER_NAME, container.path("name").asText());
    a.put(IMAGE_NAME, container.path("image").asText());
    if (!image.storeId().isEmpty()) {
      a.put(STORE_ID, image.storeId());
    }
  }

  /**
   * The pods ({@code namespace/name}, sorted) using each stored image (by store id), from the runs
   * under {@code <dataDir>/pods} whose root is mounted.
   */
  public static Map<String, Set<String>> scan(Path dataDir) throws IOException {
    return scan(dataDir, mountPoints());
  }

  /** As {@link #scan(Path)}, with the host's mount points given. */
  static Map<String, Set<String>> scan(Path dataDir, Set<String> mounted) throws IOException {
    Map<String, Set<String>> out = new TreeMap<>();
    Path pods = dataDir.resolve("pods");
    if (!Files.isDirectory(pods)) {
      return out;
    }
    for (Path pod : list(pods)) {
      for (Path container : list(pod.resolve("containers"))) {
        for (Path run : list(container)) {
          Path config = run.resolve("config.json");
          if (!mounted.contains(run.resolve("merged").toAbsolutePath().normalize().toString()) || !Files.isRegularFile(config)) {
            continue;
          }
          JsonNode a;
          try {
            a = Json.MAPPER.readTree(config.toFile()).path("annotations");
          } catch (IOException e) {
            continue; // being written: the next scan sees it
          }
          String id = a.path(STORE_ID).asText("");
          if (!id.isEmpty()) {
            out.computeIfAbsent(id, k -> new TreeSet<>()).add(a.path(POD_NAMESPACE).asText("?") + "/" + a.path(POD_NAME).asText("?"));
          }
        }
      }
    }
    return out;
  }

  /**
   * {@code ordinal image prune --all}: image GC's own pass ({@link ImageGc}) with every threshold
   * crossed and no minimum age, so every image no container uses loses its names and its layers
   * (a layer shared with a used image stays); returns the names removed.
   */
  public static List<String> removeUnused(dev.ordinal.node.images.ImageStore store, Path dataDir) throws IOException {
    Set<String> used = scan(dataDir).keySet();
    return new ImageGc(store, new dev.ordinal.node.images.ImageGcPlan.Policy(0, 0, java.time.Duration.ZERO), () -> used, Map::of)
        .collect(java.time.Instant.now());
  }

  private static Set<String> mountPoints() throws IOException {
    try (Stream<String> lines = Files.lines(Path.of("/proc/self/mounts"))) {
      return lines.map(l -> l.split(" ")).filter(f -> f.length > 1).map(f -> f[1]).collect(java.util.stream.Collectors.toSet());
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
