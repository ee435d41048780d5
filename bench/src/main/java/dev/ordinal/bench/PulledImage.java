package dev.ordinal.bench;

import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.images.LocalRegistry;
import dev.ordinal.node.images.LocalRegistry.Layer;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.RegistryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pulled image in a data directory's store, for benchmarks of pods on a cached registry image:
 * the host's busybox and the libraries it loads as one layer, pushed to a {@link LocalRegistry} on
 * loopback and pulled by Ordinal's own puller; the registry is stopped again, so nothing but the
 * store can serve it.
 */
final class PulledImage {
  private PulledImage() {}

  /** Builds, pushes and pulls the image into {@code dataDir}'s store; returns its reference. */
  static String intoStore(Path registryDir, Path dataDir) throws Exception {
    Path root = Files.createDirectories(registryDir.resolve("busybox-root"));
    for (String f : List.of("/bin/busybox", "/lib/x86_64-linux-gnu/libresolv.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib64/ld-linux-x86-64.so.2")) {
      Path to = root.resolve(f.substring(1));
      Files.createDirectories(to.getParent());
      Files.copy(Path.of(f), to);
    }
    try (LocalRegistry registry = new LocalRegistry(registryDir, null, null)) {
      registry.push("bench/busybox:1", null, List.of("/bin/busybox", "sh"), List.of(Layer.copyOf(root)), List.of("busybox"));
      String image = registry.host() + "/bench/busybox:1";
      RegistryConfig config = new RegistryConfig(Map.of(), Map.of(registry.host(), new RegistryConfig.HostConfig(Optional.empty(),
          registry.cert, null, null, false)));
      new ImagePuller(new ImageStore(dataDir), config).pull(image, DockerConfig.NONE);
      return image;
    }
  }
}
