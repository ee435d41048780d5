package dev.ordinal.node.runc;

import dev.ordinal.node.images.ImagePuller;
import dev.ordinal.node.images.ImageStore;
import dev.ordinal.node.images.ImageSourceRule;
import dev.ordinal.node.images.StoredImage;
import dev.ordinal.node.images.registry.ImageName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What an image reference runs (DESIGN §3): an image of the local store, on its own layers; else a
 * host image from the catalogue, on the root {@link HostRoot} makes for it. Which of them (or a
 * pull, which {@link PodImages} runs) is {@link ImageSourceRule}'s choice.
 */
final class ImageResolver {
  /**
   * A resolved image.
   *
   * @param layers the overlay's lower layers, bottom first; the host's root is {@code /}
   * @param user the image's USER ("" for root; a host image's user is a name in its /etc/passwd)
   * @param hostMounts what of the host's a host image's root shows (read-only, mounted first); none for an imported image
   * @param tmpfs empty directories mounted over those
   * @param imageId what the container status shows as imageID ("" for a host image)
   * @param storeId the store's id of the image, "" for a host image (image GC keeps those in use)
   */
  record Resolved(ImageConfig config, List<Path> layers, String user, List<OciSpec.Mount> hostMounts, List<String> tmpfs, String imageId,
      String storeId) {
    /** A file of the root the container will have (from the topmost layer that holds it), or null. */
    Path file(String path) {
      for (Path root : layers.reversed()) {
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

  /** How long a prepared host root is used before the host's files it copies are looked at again. */
  private static final long RECHECK_NANOS = java.time.Duration.ofSeconds(10).toNanos();

  private record Recent(HostRoot.Prepared root, long at) {}

  private final ImageStore store;
  private final Path hostLayersDir;
  private final ImagePuller puller; // null: no pulls (a test without a registry)
  private final HostRoot hostRoot = new HostRoot(Path.of("/"));
  private final java.util.concurrent.ConcurrentHashMap<String, Recent> recent = new java.util.concurrent.ConcurrentHashMap<>();

  ImageResolver(ImageStore store, Path hostLayersDir, ImagePuller puller) {
    this.store = store;
    this.hostLayersDir = hostLayersDir;
    this.puller = puller;
  }

  ImageStore store() {
    return store;
  }

  /** The puller, or null when this node does not pull. */
  ImagePuller puller() {
    return puller;
  }

  /** Whether the registry configuration names an endpoint for the image's registry, or the reference names a registry host. */
  private boolean registryNamed(String image) {
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

  /** The image in the store, if it is there. */
  Optional<StoredImage> stored(String image) {
    return store.lookup(image);
  }

  /** The source rule (docs/images.md) for an image under a pull policy. */
  ImageSourceRule.Source source(String image, String policy) {
    Optional<StoredImage> s = stored(image);
    return ImageSourceRule.decide(new ImageSourceRule.Facts(policy, s.isPresent(), s.map(StoredImage::imported).orElse(false),
        registryNamed(image), HostImages.lookup(image).isPresent(), puller != null));
  }

  /** Why nothing serves an image (no store entry, no host image, no pulls here). */
  static ConfigError unavailable(String image) {
    return new ConfigError("image \"" + image + "\" is neither in the local image store (ordinal image import|pull) nor a known host image ("
        + HostImages.known() + ")");
  }

  /** A stored image, ready to run. */
  static Resolved of(StoredImage s) {
    ImageConfig config = new ImageConfig(s.entrypoint(), s.cmd(), s.env(), s.workingDir().isEmpty() ? "/" : s.workingDir(), s.stopSignal());
    return new Resolved(config, s.layers(), s.user(), List.of(), List.of(), s.imageId(), s.id());
  }

  /** A catalogue host image, on its prepared root. */
  Resolved host(String image) throws ConfigError {
    String name = HostImages.repository(image);
    HostImages.Entry entry = HostImages.lookup(image).orElseThrow(() -> unavailable(image));
    if (!Files.exists(Path.of(entry.binary()))) {
      throw new ConfigError("image \"" + image + "\" runs the host's " + entry.binary() + ", which is not installed (apt-get install "
          + String.join(" ", entry.packages()) + ")");
    }
    try {
      HostRoot.Prepared root = prepared(name, entry);
      return new Resolved(entry.config(), List.of(root.layer()), entry.user(), root.hostMounts(), root.tmpfs(), "", "");
    } catch (IOException e) {
      throw new ConfigError("cannot prepare the host image " + name + ": " + e.getMessage());
    }
  }

  /**
   * The entry's root, looked at again (the host's /etc walked for changes) at most every 10 s:
   * the replicas of a new workload start together and share one look.
   */
  private HostRoot.Prepared prepared(String name, HostImages.Entry entry) throws IOException {
    Recent r = recent.get(name);
    long now = System.nanoTime();
    if (r != null && now - r.at() < RECHECK_NANOS && Files.isDirectory(r.root().layer())) {
      return r.root();
    }
    HostRoot.Prepared root = hostRoot.prepare(hostLayersDir, name, entry);
    recent.put(name, new Recent(root, now));
    return root;
  }

  /** {@code <data-dir>/registries.yaml} (k3s's shape), where {@code ordinal up --registry-config} copies it; empty without one. */
  static dev.ordinal.node.images.registry.RegistryConfig registryConfig(java.nio.file.Path dataDir) {
    java.nio.file.Path f = dataDir.resolve("registries.yaml");
    try {
      return java.nio.file.Files.exists(f) ? dev.ordinal.node.images.registry.RegistryConfig.load(f) : dev.ordinal.node.images.registry.RegistryConfig.EMPTY;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read the registry configuration " + f + ": " + e.getMessage(), e);
    }
  }}
