package dev.ordinal.node.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.registry.Credential;
import dev.ordinal.node.images.registry.Digests;
import dev.ordinal.node.images.registry.DockerConfig;
import dev.ordinal.node.images.registry.ImageName;
import dev.ordinal.node.images.registry.MediaTypes;
import dev.ordinal.node.images.registry.PlatformChoice;
import dev.ordinal.node.images.registry.PullError;
import dev.ordinal.node.images.registry.RegistryClient;
import dev.ordinal.node.images.registry.RegistryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Pulls an image into the store: resolves the reference at the registry's endpoints (mirrors
 * first, as {@link RegistryConfig} orders them), picks linux/amd64 from an index, fetches and
 * verifies the manifest and config, and streams the missing layers in parallel into
 * {@link ImageStore#putLayer} (digest and diff_id checked). Concurrent pulls of one reference with
 * the same credentials are joined: the second caller gets the first one's result (pulls with other
 * credentials run apart, so a pod with a wrong secret never fails another's pull).
 *
 * <p>Credentials as kubelet's keyring: the pod's pull secrets for the endpoint (or the image's
 * registry) first, then the node's own ({@code configs.<host>.auth}); each is tried in turn while
 * the registry refuses it, and without any the pull is anonymous.
 */
public final class ImagePuller {
  /** A finished pull: the stored image, where it came from, its size and how long it took. */
  public record Pulled(StoredImage image, String imageId, long size, Duration took, String source) {}

  private final ImageStore store;
  private final RegistryConfig config;
  private final int cpuLevel;
  private final ConcurrentHashMap<String, CompletableFuture<Pulled>> pulling = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, HttpClient> clients = new ConcurrentHashMap<>();

  public ImagePuller(ImageStore store, RegistryConfig config) {
    this.store = store;
    this.config = config;
    int level = 1;
    try {
      level = PlatformChoice.cpuLevel(Files.readString(Path.of("/proc/cpuinfo")));
    } catch (IOException e) {
      // assume the baseline
    }
    this.cpuLevel = level;
  }

  public RegistryConfig config() {
    return config;
  }

  /** Pulls {@code reference} with the given pull-secret credentials (joined with a pull of it under way). */
  public Pulled pull(String reference, DockerConfig secrets) throws PullError {
    ImageName name;
    try {
      name = ImageName.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new PullError(PullError.Kind.OTHER, e.getMessage());
    }
    CompletableFuture<Pulled> mine = new CompletableFuture<>();
    String key = name.canonical() + "\n" + secrets.fingerprint();
    CompletableFuture<Pulled> running = pulling.putIfAbsent(key, mine);
    if (running != null) {
      return await(running);
    }
    long started = System.nanoTime();
    try {
      Pulled p = pullHere(name, secrets);
      dev.ordinal.node.metrics.AgentMetrics.imagePulled(java.time.Duration.ofNanos(System.nanoTime() - started), p.size(), true);
      mine.complete(p);
      return p;
    } catch (PullError | RuntimeException e) {
      dev.ordinal.node.metrics.AgentMetrics.imagePulled(java.time.Duration.ofNanos(System.nanoTime() - started), 0, false);
      mine.completeExceptionally(e);
      throw e;
    } finally {
      pulling.remove(key, mine);
    }
  }

  private static Pulled await(CompletableFuture<Pulled> f) throws PullError {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof PullError p) {
        throw p;
      }
      throw new PullError(PullError.Kind.OTHER, String.valueOf(e.getCause().getMessage()), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullError(PullError.Kind.OTHER, "interrupted");
    }
  }

  private Pulled pullHere(ImageName name, DockerConfig secrets) throws PullError {
    long start = System.nanoTime();
    PullError first = null;
    for (RegistryConfig.Endpoint endpoint : config.endpoints(name)) {
      RegistryConfig.HostConfig host = config.config(endpoint.host());
      HttpClient http;
      try {
        http = client(endpoint.host(), host);
      } catch (PullError e) {
        first = first == null || first.kind() == PullError.Kind.UNREACHABLE ? e : first;
        continue;
      }
      for (Optional<Credential> credential : credentials(name, endpoint, host, secrets)) {
        try {
          return fetch(name, new RegistryClient(http, endpoint, credential, name.canonical()), start);
        } catch (PullError e) {
          if (first == null || first.kind() == PullError.Kind.UNREACHABLE) {
            first = e; // the most telling failure: a mirror that answered beats one that did not
          }
          if (e.kind() != PullError.Kind.UNAUTHORIZED) {
            break; // another credential changes nothing of a missing tag or a bad certificate
          }
        }
      }
    }
    throw wrap(name, first);
  }

  /** What to try at an endpoint, in kubelet's order: the pull secrets' entries, then the node's; anonymous when none. */
  static List<Optional<Credential>> credentials(ImageName name, RegistryConfig.Endpoint endpoint, RegistryConfig.HostConfig host,
      DockerConfig secrets) {
    List<Optional<Credential>> out = new ArrayList<>();
    for (Credential c : secrets.lookupAll(endpoint.host())) {
      out.add(Optional.of(c));
    }
    if (!endpoint.host().equals(name.registry())) {
      for (Credential c : secrets.lookupAll(name.registry())) {
        if (!out.contains(Optional.of(c))) {
          out.add(Optional.of(c));
        }
      }
    }
    host.auth().filter(c -> !out.contains(Optional.of(c))).ifPresent(c -> out.add(Optional.of(c)));
    if (out.isEmpty()) {
      out.add(Optional.empty());
    }
    return out;
  }

  /** The message as containerd words it: {@code failed to pull and unpack image "…": …}. */
  private static PullError wrap(ImageName name, PullError e) {
    String inner = e.kind() == PullError.Kind.NOT_FOUND || e.kind() == PullError.Kind.UNAUTHORIZED
        ? "failed to resolve reference \"" + name.canonical() + "\": " + e.getMessage() : e.getMessage();
    return new PullError(e.kind(), "failed to pull and unpack image \"" + name.canonical() + "\": " + inner, e);
  }

  private HttpClient client(String host, RegistryConfig.HostConfig hostConfig) throws PullError {
    try {
      HttpClient c = clients.get(host);
      if (c == null) {
        c = RegistryClient.httpClient(hostConfig);
        clients.putIfAbsent(host, c);
      }
      return clients.get(host);
    } catch (IOException e) {
      throw new PullError(PullError.Kind.TLS, "registry " + host + ": " + e.getMessage(), e);
    }
  }

  private Pulled fetch(ImageName name, RegistryClient client, long start) throws PullError {
    RegistryClient.Manifest top = client.manifest(name.manifestReference());
    RegistryClient.Manifest manifest = top;
    try {
      Optional<Pulled> unchanged = unchanged(name, top, client, start);
      if (unchanged.isPresent()) {
        return unchanged.get();
      }
      if (MediaTypes.isIndex(top.mediaType())) {
        JsonNode index = top.json();
        JsonNode chosen = PlatformChoice.choose(index, cpuLevel).orElseThrow(() -> new PullError(PullError.Kind.NO_PLATFORM,
            "no match for platform in manifest: not found (this node runs linux/amd64; the image has "
                + String.join(", ", PlatformChoice.offered(index)) + ")"));
        manifest = client.manifest(chosen.path("digest").asText());
      }
      if (!MediaTypes.isManifest(manifest.mediaType())) {
        throw new PullError(PullError.Kind.OTHER, "unsupported manifest type \"" + manifest.mediaType() + "\" (schema 1 images are not supported)");
      }
      JsonNode m = manifest.json();
      String configDigest = m.path("config").path("digest").asText();
      byte[] configBytes = readVerified(client, configDigest);
      List<String> diffIds = new ArrayList<>();
      Json.MAPPER.readTree(configBytes).path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
      List<JsonNode> layers = new ArrayList<>();
      m.path("layers").forEach(layers::add);
      if (layers.size() != diffIds.size()) {
        throw new PullError(PullError.Kind.OTHER, "manifest " + manifest.digest() + " has " + layers.size() + " layers but its config "
            + diffIds.size() + " diff_ids");
      }
      fetchLayers(client, layers, diffIds);
      store.putBlob(top.bytes());
      store.putBlob(manifest.bytes());
      store.putBlob(configBytes);
      String imageId = name.repositoryName() + "@" + top.digest();
      List<String> names = new ArrayList<>(List.of(name.canonical()));
      if (!name.tag().isEmpty()) {
        names.add(imageId);
      }
      String source = "pulled from " + client.endpoint().base() + "/" + client.endpoint().repository();
      store.commitImage(configDigest, diffIds, names, imageId, source);
      StoredImage image = store.lookup(name.canonical()).orElseThrow(() -> new IOException("the pulled image vanished from the store"));
      long size = store.size(Digests.hex(configDigest));
      return new Pulled(image, imageId, size, Duration.ofNanos(System.nanoTime() - start), source);
    } catch (IOException e) {
      throw new PullError(PullError.Kind.OTHER, "storing " + name.canonical() + ": " + e.getMessage(), e);
    }
  }

  /**
   * The stored image when the registry's manifest digest is the one the store has (a pull under
   * {@code Always} of an image that did not change: one manifest request, nothing else fetched).
   */
  private Optional<Pulled> unchanged(ImageName name, RegistryClient.Manifest top, RegistryClient client, long start) throws IOException {
    String imageId = name.repositoryName() + "@" + top.digest();
    Optional<StoredImage> have = store.lookup(imageId);
    if (have.isEmpty() || !have.get().layers().stream().allMatch(java.nio.file.Files::isDirectory)) {
      return Optional.empty();
    }
    String source = "pulled from " + client.endpoint().base() + "/" + client.endpoint().repository();
    if (!store.lookup(name.canonical()).map(s -> s.id().equals(have.get().id())).orElse(false)) {
      store.addName(imageId, name.canonical(), source); // the tag moved back to an image the store still has
    }
    StoredImage image = store.lookup(name.canonical()).orElse(have.get());
    return Optional.of(new Pulled(image, imageId, store.size(image.id()), Duration.ofNanos(System.nanoTime() - start), source));
  }

  private static byte[] readVerified(RegistryClient client, String digest) throws PullError, IOException {
    try (InputStream in = client.blob(digest)) {
      byte[] bytes = in.readNBytes(64 << 20);
      String got = Digests.sha256(bytes);
      if (!got.equals(digest)) {
        throw new PullError(PullError.Kind.DIGEST_MISMATCH, "failed commit on ref \"config-" + digest + "\": unexpected commit digest " + got
            + ", expected " + digest + ": failed precondition");
      }
      return bytes;
    }
  }

  /** The layers not yet in the store, each on a virtual thread of its own (unpacking itself goes to platform threads). */
  private void fetchLayers(RegistryClient client, List<JsonNode> layers, List<String> diffIds) throws PullError {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<Void>> running = new ArrayList<>();
      for (int i = 0; i < layers.size(); i++) {
        String diffId = diffIds.get(i);
        String digest = layers.get(i).path("digest").asText();
        if (store.hasLayer(diffId)) {
          continue;
        }
        running.add(pool.submit(() -> {
          store.putLayer(diffId, digest, () -> {
            try {
              return client.blob(digest);
            } catch (PullError e) {
              throw new IOException(e);
            }
          });
          return null;
        }));
      }
      for (Future<Void> f : running) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof ImageStore.DigestMismatch d) {
            throw new PullError(PullError.Kind.DIGEST_MISMATCH, d.getMessage(), d);
          }
          if (c instanceof IOException io && io.getCause() instanceof PullError p) {
            throw p;
          }
          throw new PullError(PullError.Kind.OTHER, "fetching a layer: " + c.getMessage(), c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PullError(PullError.Kind.OTHER, "interrupted");
        }
      }
    }
  }
}
