package dev.ordinal.node.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Images kept under {@code <data-dir>/images}: {@code refs.json} maps canonical references to image
 * ids; {@code <id>/config.json} is the image config and {@code <id>/layers/<n>} the unpacked layers
 * in order. Importing reads a {@code docker save} tarball or an OCI image layout (directory or
 * tar); layers are unpacked with tar and their whiteouts turned into overlayfs's.
 */
public final class ImageStore {
  private final Path root;

  public ImageStore(Path dataDir) {
    this.root = dataDir.resolve("images");
  }

  public Optional<StoredImage> lookup(String reference) {
    String canonical = ImageReference.canonical(reference);
    try {
      JsonNode refs = refs();
      String id = refs.path(canonical).asText("");
      if (id.isEmpty()) {
        return Optional.empty();
      }
      Path dir = root.resolve(id);
      JsonNode config = Json.MAPPER.readTree(dir.resolve("config.json").toFile()).path("config");
      List<Path> layers = new ArrayList<>();
      int count = Integer.parseInt(Files.readString(dir.resolve("layer-count")).strip());
      for (int i = 0; i < count; i++) {
        layers.add(dir.resolve("layers").resolve(String.valueOf(i)));
      }
      Map<String, String> env = new LinkedHashMap<>();
      for (JsonNode e : config.path("Env")) {
        String kv = e.asText();
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      return Optional.of(new StoredImage(canonical, layers, strings(config.path("Entrypoint")), strings(config.path("Cmd")), env,
          config.path("WorkingDir").asText(""), config.path("User").asText(""), config.path("StopSignal").asText("")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The references in the store, with their ids. */
  public Map<String, String> list() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    refs().fields().forEachRemaining(f -> out.put(f.getKey(), f.getValue().asText()));
    return out;
  }

  /**
   * Imports the images of a {@code docker save} tarball or an OCI layout (directory or tarball);
   * returns the references it stored. {@code name} names an image the archive leaves unnamed.
   */
  public synchronized List<String> importArchive(Path archive, String name) throws IOException {
    Path work = Files.createTempDirectory(Files.createDirectories(root), ".import");
    try {
      Path src = archive;
      if (!Files.isDirectory(archive)) {
        Files.createDirectories(work.resolve("src"));
        Unpacker.run(List.of("tar", "-xf", archive.toAbsolutePath().toString(), "-C", work.resolve("src").toString()));
        src = work.resolve("src");
      }
      List<ArchiveImage> images = Files.exists(src.resolve("manifest.json")) ? ArchiveImage.fromDockerSave(src)
          : ArchiveImage.fromOciLayout(src);
      if (images.isEmpty()) {
        throw new IOException(archive + " holds no image (neither a docker save tarball nor an OCI layout)");
      }
      List<String> stored = new ArrayList<>();
      ObjectNode refs = (ObjectNode) refs();
      for (ArchiveImage image : images) {
        String id = sha256(Files.readAllBytes(image.config()));
        Path dir = root.resolve(id);
        if (!Files.exists(dir.resolve("layer-count"))) {
          Path partial = root.resolve(".partial-" + id);
          Unpacker.deleteTree(partial);
          Files.createDirectories(partial.resolve("layers"));
          Files.copy(image.config(), partial.resolve("config.json"));
          for (int i = 0; i < image.layers().size(); i++) {
            Unpacker.unpackLayer(image.layers().get(i), partial.resolve("layers").resolve(String.valueOf(i)));
          }
          Files.writeString(partial.resolve("layer-count"), String.valueOf(image.layers().size()));
          Unpacker.deleteTree(dir);
          Files.move(partial, dir);
        }
        List<String> names = image.references().isEmpty() && name != null ? List.of(name) : image.references();
        if (names.isEmpty()) {
          names = List.of("sha256:" + id);
        }
        for (String n : names) {
          refs.put(ImageReference.canonical(n), id);
          stored.add(ImageReference.canonical(n));
        }
      }
      Path tmp = root.resolve(".refs.json.tmp");
      Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(refs));
      Files.move(tmp, root.resolve("refs.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return stored;
    } finally {
      Unpacker.deleteTree(work);
    }
  }

  private JsonNode refs() throws IOException {
    Path f = root.resolve("refs.json");
    return Files.exists(f) ? Json.MAPPER.readTree(f.toFile()) : Json.object();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
