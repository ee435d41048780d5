package dev.ordinal.node.runc;

import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.ImageName;
import dev.ordinal.node.images.registry.PullError;
import dev.ordinal.node.images.StoredImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What an image reference runs (DESIGN §3): an image imported into the local store, on its own
 * layers; else a host image from the catalogue, over the host's root, with its own few files.
 */
final class ImageResolver {
  /**
   * A resolved image.
   *
   * @param layers the overlay's lower layers, bottom first; the host's root is {@code /}
   * @param seed a directory copied into the container's writable layer before it starts, or null:
   *     a host image's own layer, which cannot be a lower layer since it lies inside the host's root
   * @param user the image's USER ("" for root; a host image's user is a name in the host's /etc/passwd)
   * @param ownRoot whether the root holds nothing of the host's (nothing to hide from the pod)
   */
  record Resolved(ImageConfig config, List<Path> layers, Path seed, String user, boolean ownRoot) {
    /** A file of the root the container will have (from the topmost layer that holds it), or null. */
    Path file(String path) {
      List<Path> roots = new java.util.ArrayList<>();
      if (seed != null) {
        roots.add(seed);
      }
      roots.addAll(layers.reversed());
      for (Path root : roots) {
        Path f = root.resolve(path);
        if (Files.exists(f)) {
          return f;
        }
      }
      return null;
    }

    /** The image's users and groups, for names in USER and a uid's primary group. */
    EtcUsers users() {
      return EtcUsers.read(file("etc/passwd"), file("etc/group"));
    }
  }

  private static final Path HOST_ROOT = Path.of("/");

  private final ImageStore store;
  private final Path hostLayersDir;
  private final ImagePuller puller; // null: no pulls (a test without a registry)

  ImageResolver(ImageStore store, Path hostLayersDir, ImagePuller puller) {
    this.store = store;
    this.hostLayersDir = hostLayersDir;
    this.puller = puller;
  }

  private boolean shouldPullFirst(String image) {
    if (puller == null) {
      return false;
    }
    try {
      ImageName name = ImageName.parse(image);
      return puller.config().namesEndpointFor(name.registry()) || !name.registry().equals(ImageName.DOCKER_HUB);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private StoredImage pull(String image) throws ConfigError {
    try {
      return puller.pull(image, DockerConfig.NONE).image();
    } catch (PullError e) {
      throw new ConfigError("Failed to pull image \"" + image + "\": " + e.getMessage());
    }
  }

  /**
   * The source rule (docs/images.md): the local store; then a pull when the registry
   * configuration ({@code <data-dir>/registries.yaml}) names an endpoint for the image's registry
   * or the reference names a registry host itself; else a catalogue host image; else a pull from
   * the public registry.
   */
  Resolved resolve(String image) throws ConfigError {
    Optional<StoredImage> stored = store.lookup(image);
    if (stored.isEmpty() && shouldPullFirst(image)) {
      stored = Optional.of(pull(image));
    } else if (stored.isEmpty() && HostImages.lookup(image).isEmpty() && puller != null) {
      try {
        stored = Optional.of(pull(image));
      } catch (ConfigError e) {
        throw new ConfigError("image \"" + image + "\" is neither in the local image store (ordinal image import|pull) nor a known host image ("
            + HostImages.known() + "), and the public registry failed: " + e.getMessage());
      }
    }
    if (stored.isPresent()) {
      StoredImage s = stored.get();
      ImageConfig config = new ImageConfig(s.entrypoint(), s.cmd(), s.env(), s.workingDir().isEmpty() ? "/" : s.workingDir(), s.stopSignal());
      return new Resolved(config, s.layers(), null, s.user(), true);
    }
    String name = HostImages.repository(image);
    HostImages.Entry entry = HostImages.lookup(image).orElseThrow(() -> new ConfigError(
        "image \"" + image + "\" is neither in the local image store (ordinal image import) nor a known host image ("
            + HostImages.known() + ")"));
    if (!Files.exists(Path.of(entry.binary()))) {
      throw new ConfigError("image \"" + image + "\" runs the host's " + entry.binary() + ", which is not installed (apt-get install "
          + String.join(" ", entry.packages()) + ")");
    }
    if (!entry.hasLayer()) {
      return new Resolved(entry.config(), List.of(HOST_ROOT), null, entry.user(), false);
    }
    try {
      return new Resolved(entry.config(), List.of(HOST_ROOT), HostImageLayer.of(hostLayersDir, name, entry), entry.user(), false);
    } catch (IOException e) {
      throw new ConfigError("cannot prepare the host image " + name + ": " + e.getMessage());
    }
  }
}
