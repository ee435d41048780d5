package dev.ordinal.node.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.images.registry.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The content-addressed image store under {@code <data-dir>/images}, shared by imported and pulled
 * images:
 * <ul>
 *   <li>{@code blobs/sha256/<hex>}: manifests, indexes and image configs, as received;
 *   <li>{@code layers/<diff-id hex>/}: a layer unpacked for overlayfs, shared by every image that has it;
 *   <li>{@code images/<config hex>.json}: an image, its config digest and its layers' diff_ids with sizes;
 *   <li>{@code refs.json}: names ({@code docker.io/library/nginx:1.27}) → image, imageID, source, time.
 * </ul>
 * Everything is written under {@code tmp/} first and renamed into place only once verified, so
 * nothing half-written is ever used: a crash leaves at most a {@code tmp/} entry, removed when a
 * later process opens the store (entries carry their writer's pid). Two writers of one layer (two
 * pulls in this process are joined; another process may race) end with one directory: the loser's
 * rename fails and its copy is dropped. Compressed layer blobs are not kept (the unpacked layer is
 * what runs; a re-pull fetches only layers whose diff_id is missing).
 */
public final class ImageStore {
  /** containerd's PATH for an image whose config sets none. */
  public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path root;
  private final ConcurrentHashMap<String, CompletableFuture<Void>> unpacking = new ConcurrentHashMap<>();
  private final ReentrantLock refsLock = new ReentrantLock(); // then the refs.lock file lock (other processes)

  public ImageStore(Path dataDir) {
    this.root = dataDir.resolve("images");
  }

  /** Where the store lives. */
  public Path root() {
    return root;
  }

  /** What a name in the store points at. */
  public record Ref(String name, String id, String imageId, String source, Instant time) {}

  public Optional<StoredImage> lookup(String reference) {
    try {
      Optional<Ref> ref = ref(reference);
      if (ref.isEmpty()) {
        return Optional.empty();
      }
      return image(ref.get());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The names in the store. */
  public List<Ref> list() throws IOException {
    List<Ref> out = new ArrayList<>();
    refs().fields().forEachRemaining(f -> out.add(ref(f.getKey(), f.getValue())));
    return out;
  }

  /** The name's entry, by any spelling of it ({@code nginx}, {@code docker.io/library/nginx:latest}). */
  public Optional<Ref> ref(String reference) throws IOException {
    String name = ImageReference.canonical(reference);
    JsonNode v = refs().path(name);
    return v.isMissingNode() ? Optional.empty() : Optional.of(ref(name, v));
  }

  /** The disk size of an image's layers (uncompressed), 0 when unknown. */
  public long size(String id) {
    try {
      return Json.MAPPER.readTree(imageFile(id).toFile()).path("size").asLong(0);
    } catch (IOException e) {
      return 0;
    }
  }

  Optional<StoredImage> image(Ref ref) throws IOException {
    Path record = imageFile(ref.id());
    if (!Files.exists(record)) {
      return Optional.empty();
    }
    JsonNode image = Json.MAPPER.readTree(record.toFile());
    JsonNode config = Json.MAPPER.readTree(blob(image.path("config").asText()).toFile()).path("config");
    List<Path> layers = new ArrayList<>();
    for (JsonNode l : image.path("layers")) {
      layers.add(layer(l.path("diffId").asText()));
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : config.path("Env")) {
      String kv = e.asText();
      int eq = kv.indexOf('=');
      if (eq > 0) {
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
    }
    env.putIfAbsent("PATH", DEFAULT_PATH);
    return Optional.of(new StoredImage(ref.name(), layers, strings(config.path("Entrypoint")), strings(config.path("Cmd")), env,
        config.path("WorkingDir").asText(""), config.path("User").asText(""), config.path("StopSignal").asText(""), ref.imageId(), ref.id(),
        ref.source()));
  }

  // ---- writing: blobs, layers, images, names ----

  /** Stores a verified small blob (manifest, config) under its digest; returns the digest. */
  public String putBlob(byte[] bytes) throws IOException {
    String digest = Digests.sha256(bytes);
    Path target = blob(digest);
    if (!Files.exists(target)) {
      Path tmp = tmp();
      Files.write(tmp, bytes);
      Files.createDirectories(target.getParent());
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
    return digest;
  }

  public boolean hasBlob(String digest) {
    return Files.exists(blob(digest));
  }

  public byte[] readBlob(String digest) throws IOException {
    return Files.readAllBytes(blob(digest));
  }

  public boolean hasLayer(String diffId) {
    return Files.isDirectory(layer(diffId));
  }

  /** Thrown when a layer's bytes are not what the manifest or config promised; nothing was stored. */
  public static final class DigestMismatch extends IOException {
    public DigestMismatch(String message) {
      super(message);
    }
  }

  /**
   * Unpacks a layer from its (compressed) stream into {@code layers/<diffId>}, unless it is there
   * already; concurrent calls for one diff_id in this process are joined (the others wait for the
   * first). {@code digest} is the compressed stream's expected digest, or null when unknown.
   *
   * @throws DigestMismatch when the stream's digest or the tar's diff_id differ; nothing is kept
   */
  public void putLayer(String diffId, String digest, StreamSource source) throws IOException {
    Digests.hex(diffId);
    while (!hasLayer(diffId)) {
      CompletableFuture<Void> mine = new CompletableFuture<>();
      CompletableFuture<Void> running = unpacking.putIfAbsent(diffId, mine);
      if (running != null) {
        try {
          running.join(); // another pull is unpacking it: wait, then look again (it may have failed)
        } catch (RuntimeException e) {
          // that pull failed; this one tries itself
        }
        continue;
      }
      try {
        unpackInto(diffId, digest, source);
        mine.complete(null);
      } catch (IOException | RuntimeException e) {
        mine.completeExceptionally(e);
        throw e;
      } finally {
        unpacking.remove(diffId, mine);
      }
    }
  }

  /** Opens a layer's bytes (called once, by the one caller that unpacks it). */
  public interface StreamSource {
    InputStream open() throws IOException;
  }

  private void unpackInto(String diffId, String digest, StreamSource source) throws IOException {
    Path partial = tmp();
    try {
      LayerStream.Result r;
      try (InputStream in = source.open()) {
        r = LayerStream.unpack(in, partial);
      } catch (LayerStream.Unreadable e) {
        // a blob that is not what the manifest names is told as such, not as the archive error it also causes
        if (digest != null && e.digest() != null && !digest.equals(e.digest())) {
          throw mismatch(digest, e.digest());
        }
        throw e;
      }
      if (digest != null && !digest.equals(r.digest())) {
        throw mismatch(digest, r.digest());
      }
      if (!diffId.equals(r.diffId())) {
        throw new DigestMismatch("layer " + (digest == null ? "" : digest + " ") + "unpacks to diff_id " + r.diffId()
            + ", but the image config says " + diffId);
      }
      Files.writeString(partial.resolveSibling(partial.getFileName() + ".size"), String.valueOf(r.uncompressedSize()));
      Files.createDirectories(root.resolve("layers"));
      Files.move(partial.resolveSibling(partial.getFileName() + ".size"), layer(diffId).resolveSibling(Digests.hex(diffId) + ".size"),
          StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.move(partial, layer(diffId), StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // another process unpacked it first: its copy is as good as ours
      }
    } finally {
      Unpacker.deleteTree(partial);
      Files.deleteIfExists(partial.resolveSibling(partial.getFileName() + ".size"));
    }
  }

  /** containerd's words for a layer blob whose digest is not the manifest's. */
  static DigestMismatch mismatch(String expected, String got) {
    return new DigestMismatch("failed commit on ref \"layer-" + expected + "\": unexpected commit digest " + got + ", expected " + expected
        + ": failed precondition");
  }

  /** A layer's uncompressed size as unpacked, 0 when unknown. */
  public long layerSize(String diffId) {
    try {
      return Long.parseLong(Files.readString(layer(diffId).resolveSibling(Digests.hex(diffId) + ".size")).strip());
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Records an image whose config blob and layers are all stored, and points names at it.
   *
   * @param imageId what {@code status.containerStatuses[].imageID} shows ({@code repo@sha256:…})
   * @param source where it came from, for {@code ordinal image list} ({@code pulled from https://…})
   */
  public void commitImage(String configDigest, List<String> diffIds, List<String> names, String imageId, String source) throws IOException {
    for (String d : diffIds) {
      if (!hasLayer(d)) {
        throw new IOException("layer " + d + " of image " + configDigest + " is not in the store");
      }
    }
    ObjectNode image = Json.object();
    image.put("config", configDigest);
    ArrayNode layers = image.putArray("layers");
    long size = 0;
    for (String d : diffIds) {
      long s = layerSize(d);
      size += s;
      layers.addObject().put("diffId", d).put("size", s);
    }
    image.put("size", size);
    Path tmp = tmp();
    Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(image));
    Files.createDirectories(root.resolve("images"));
    Files.move(tmp, imageFile(Digests.hex(configDigest)), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    updateRefs(refs -> {
      for (String n : names) {
        ObjectNode r = Json.object();
        r.put("id", Digests.hex(configDigest)).put("imageID", imageId).put("source", source).put("time", Instant.now().toString());
        refs.set(ImageReference.canonical(n), r);
      }
    });
  }

  /** Points another name at the image {@code existing} names (which must be in the store). */
  public void addName(String existing, String name, String source) throws IOException {
    Ref ref = ref(existing).orElseThrow(() -> new IOException("no image " + existing + " in the store"));
    updateRefs(refs -> {
      ObjectNode r = Json.object();
      r.put("id", ref.id()).put("imageID", ref.imageId()).put("source", source).put("time", Instant.now().toString());
      refs.set(ImageReference.canonical(name), r);
    });
  }

  /** Removes a name; returns whether it was there. Layers go at the next {@link #prune}. */
  public boolean remove(String reference) throws IOException {
    String name = ImageReference.canonical(reference);
    boolean[] removed = {false};
    updateRefs(refs -> removed[0] = refs.remove(name) != null);
    return removed[0];
  }

  /** Removes every name of an image (by store id); returns the names removed. Its layers go at the next {@link #prune}. */
  public List<String> removeImage(String id) throws IOException {
    List<String> removed = new ArrayList<>();
    updateRefs(refs -> {
      List<String> names = new ArrayList<>();
      refs.fields().forEachRemaining(f -> {
        if (ref(f.getKey(), f.getValue()).id().equals(id)) {
          names.add(f.getKey());
        }
      });
      names.forEach(refs::remove);
      removed.addAll(names);
    });
    return removed;
  }

  /** Removes images no name points at, then layers no image uses and blobs other than live images' configs (manifests are fetched again by a pull); returns bytes freed (about). */
  public long prune() throws IOException {
    return prune(java.util.Set.of());
  }

  /**
   * As {@link #prune()}, keeping also the images (store ids) in {@code keep} and their layers
   * whether or not a name points at them: those a container runs on (image GC passes them).
   */
  public long prune(java.util.Set<String> keep) throws IOException {
    long freed = 0;
    refsLock.lock();
    try (FileChannel ch = lockFile(); FileLock lock = ch.lock()) {
      java.util.Set<String> ids = new java.util.HashSet<>(keep);
      refs().fields().forEachRemaining(f -> ids.add(ref(f.getKey(), f.getValue()).id()));
      java.util.Set<String> usedLayers = new java.util.HashSet<>();
      java.util.Set<String> usedBlobs = new java.util.HashSet<>();
      for (Path record : children(root.resolve("images"))) {
        String id = record.getFileName().toString().replace(".json", "");
        if (!ids.contains(id)) {
          Files.deleteIfExists(record);
          continue;
        }
        JsonNode image = Json.MAPPER.readTree(record.toFile());
        usedBlobs.add(Digests.hex(image.path("config").asText()));
        image.path("layers").forEach(l -> usedLayers.add(Digests.hex(l.path("diffId").asText())));
      }
      for (Path layer : children(root.resolve("layers"))) {
        String name = layer.getFileName().toString();
        if (Files.isDirectory(layer) && !usedLayers.contains(name)) {
          freed += layerSize("sha256:" + name);
          Unpacker.deleteTree(layer);
          Files.deleteIfExists(layer.resolveSibling(name + ".size"));
        } else if (name.endsWith(".size") && !Files.isDirectory(layer.resolveSibling(name.substring(0, name.length() - 5)))) {
          Files.deleteIfExists(layer); // a crash between placing a layer's size and its directory (unpackInto)
        }
      }
      for (Path blob : children(root.resolve("blobs/sha256"))) {
        if (!usedBlobs.contains(blob.getFileName().toString())) {
          Files.deleteIfExists(blob);
        }
      }
    } finally {
      refsLock.unlock();
    }
    return freed;
  }

  /** Removes what crashed writers left in {@code tmp/} (entries of processes that are gone). */
  public void cleanPartials() throws IOException {
    for (Path p : children(root.resolve("tmp"))) {
      String name = p.getFileName().toString();
      int dash = name.indexOf('-');
      long pid = dash > 0 ? parsePid(name.substring(0, dash)) : -1;
      if (pid < 0 || ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
        Unpacker.deleteTree(p);
      }
    }
  }

  // ---- internals ----

  private interface RefsEdit {
    void apply(ObjectNode refs) throws IOException;
  }

  /** Read-modify-write of refs.json: one writer in this process (the lock), one across processes (the file lock). */
  private void updateRefs(RefsEdit edit) throws IOException {
    refsLock.lock();
    try (FileChannel ch = lockFile(); FileLock lock = ch.lock()) {
      ObjectNode refs = (ObjectNode) refs();
      edit.apply(refs);
      Path tmp = tmp();
      Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(refs));
      Files.move(tmp, root.resolve("refs.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      refsLock.unlock();
    }
  }

  private FileChannel lockFile() throws IOException {
    Files.createDirectories(root);
    return FileChannel.open(root.resolve("refs.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
  }

  private JsonNode refs() throws IOException {
    Path f = root.resolve("refs.json");
    return Files.exists(f) ? Json.MAPPER.readTree(f.toFile()) : Json.object();
  }

  private static Ref ref(String name, JsonNode v) {
    if (v.isTextual()) {
      return new Ref(name, v.asText(), "sha256:" + v.asText(), "imported", Instant.EPOCH); // a store written before layers were shared
    }
    return new Ref(name, v.path("id").asText(), v.path("imageID").asText(), v.path("source").asText(""),
        Instant.parse(v.path("time").asText(Instant.EPOCH.toString())));
  }

  private Path tmp() throws IOException {
    Path dir = Files.createDirectories(root.resolve("tmp"));
    return dir.resolve(ProcessHandle.current().pid() + "-" + UUID.randomUUID());
  }

  Path blob(String digest) {
    return root.resolve("blobs/sha256").resolve(Digests.hex(digest));
  }

  Path layer(String diffId) {
    return root.resolve("layers").resolve(Digests.hex(diffId));
  }

  private Path imageFile(String id) {
    return root.resolve("images").resolve(id + ".json");
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  private static long parsePid(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * Imports the images of a {@code docker save} tarball or an OCI layout (directory or tarball);
   * returns the names it stored. {@code name} names an image the archive leaves unnamed, or whose
   * OCI {@code ref.name} is only a tag (then {@code name}'s repository with that tag).
   */
  public List<String> importArchive(Path archive, String name) throws IOException {
    return new ArchiveImport(this).run(archive, name);
  }
}
