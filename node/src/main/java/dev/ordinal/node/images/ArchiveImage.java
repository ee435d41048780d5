package dev.ordinal.node.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One image found in an unpacked archive: its config file, its layer files (bottom first), its names. */
record ArchiveImage(Path config, List<Path> layers, List<String> references) {

  /** {@code docker save}: manifest.json lists each image's Config, Layers and RepoTags. */
  static List<ArchiveImage> fromDockerSave(Path dir) throws IOException {
    List<ArchiveImage> out = new ArrayList<>();
    for (JsonNode m : Json.MAPPER.readTree(dir.resolve("manifest.json").toFile())) {
      List<Path> layers = new ArrayList<>();
      m.path("Layers").forEach(l -> layers.add(inside(dir, l.asText())));
      List<String> tags = new ArrayList<>();
      m.path("RepoTags").forEach(t -> tags.add(t.asText()));
      out.add(new ArchiveImage(inside(dir, m.path("Config").asText()), layers, tags));
    }
    return out;
  }

  /** An OCI image layout: index.json → manifests → config and layer blobs, named by annotation. */
  static List<ArchiveImage> fromOciLayout(Path dir) throws IOException {
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
      manifest.path("layers").forEach(l -> layers.add(blob(dir, l.path("digest").asText())));
      String name = desc.path("annotations").path("org.opencontainers.image.ref.name").asText("");
      String full = desc.path("annotations").path("io.containerd.image.name").asText("");
      List<String> refs = !full.isEmpty() ? List.of(full) : name.isEmpty() ? List.of() : List.of(name.contains(":") ? name : "image:" + name);
      out.add(new ArchiveImage(blob(dir, manifest.path("config").path("digest").asText()), layers, refs));
    }
    return out;
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
