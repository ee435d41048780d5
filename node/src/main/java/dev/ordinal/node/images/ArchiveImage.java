package dev.ordinal.node.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One image found in an unpacked archive: its config file, its layer files (bottom first), its
 * names, and for an OCI layout the manifest's digest (null for {@code docker save}, which keeps no
 * manifest) and the layers' digests (null entries where unknown).
 */
record ArchiveImage(Path config, List<Path> layers, List<String> references, String manifestDigest, List<String> layerDigests) {

  /** {@code docker save}: manifest.json lists each image's Config, Layers and RepoTags. */
  static List<ArchiveImage> fromDockerSave(Path dir) throws IOException {
    List<ArchiveImage> out = new ArrayList<>();
    for (JsonNode m : Json.MAPPER.readTree(dir.resolve("manifest.json").toFile())) {
      List<Path> layers = new ArrayList<>();
      m.path("Layers").forEach(l -> layers.add(inside(dir, l.asText())));
      List<String> tags = new ArrayList<>();
      m.path("RepoTags").forEach(t -> tags.add(t.asText()));
      out.add(new ArchiveImage(inside(dir, m.path("Config").asText()), layers, tags, null, java.util.Collections.nCopies(layers.size(), null)));
    }
    return out;
  }

  /** An OCI image layout: index.json → manifests → config and layer blobs, named by annotation. */
  static List<ArchiveImage> fromOciLayout(Path dir, String name) throws IOException {
    List<ArchiveImage> out = new ArrayList<>();
    if (!dir.resolve("index.json").toFile().exists()) {
      return out;
    }
    for (JsonNode desc : Json.MAPPER.readTree(dir.resolve("index.json").toFile()).path("manifests")) {
      JsonNode manifest = Json.MAPPER.readTree(blob(dir, desc.path("digest").asText()).toFile());
      if (manifest.has("manifests")) {
        continue; // a multi-platform index: import the platform's own manifest instead
      }
      List<Path> layers = new ArrayList<>();
      List<String> digests = new ArrayList<>();
      manifest.path("layers").forEach(l -> {
        layers.add(blob(dir, l.path("digest").asText()));
        digests.add(l.path("digest").asText());
      });
      String refName = desc.path("annotations").path("org.opencontainers.image.ref.name").asText("");
      String full = desc.path("annotations").path("io.containerd.image.name").asText("");
      List<String> refs = !full.isEmpty() ? List.of(full) : refName.isEmpty() ? List.of() : List.of(named(refName, name));
      out.add(new ArchiveImage(blob(dir, manifest.path("config").path("digest").asText()), layers, refs, desc.path("digest").asText(), digests));
    }
    return out;
  }

  /**
   * The name of an OCI layout entry: a {@code ref.name} that is a full reference as it is; one that
   * is only a tag ({@code v5}, as umoci and skopeo write) with the repository of {@code --name}
   * ({@code --name ikubernetes/myapp} → {@code ikubernetes/myapp:v5}; a {@code --name} with its own
   * tag wins), or {@code image:TAG} without one.
   */
  static String named(String refName, String name) {
    if (refName.contains(":") || refName.contains("/")) {
      return refName;
    }
    if (name == null || name.isBlank()) {
      return "image:" + refName;
    }
    int slash = name.lastIndexOf('/');
    return name.indexOf(':', slash + 1) >= 0 || name.contains("@") ? name : name + ":" + refName;
  }

  private static Path blob(Path dir, String digest) {
    String[] parts = digest.split(":", 2);
    return inside(dir, "blobs/" + parts[0] + "/" + parts[1]);
  }

  /** A path the archive names, never outside it. */
  private static Path inside(Path dir, String relative) {
    Path p = dir.resolve(relative).normalize();
    if (!p.startsWith(dir)) {
      throw new IllegalArgumentException("archive path leaves the archive: " + relative);
    }
    return p;
  }
}
