package dev.ordinal.node.images;

import dev.ordinal.api.Json;
import dev.ordinal.node.images.registry.ImageName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ordinal image import}: the images of a {@code docker save} tarball or an OCI layout go
 * into the shared store like pulled ones — layers checked against the config's diff_ids (and an
 * OCI layout's blobs against their digests), unpacked once, shared with any image that has them.
 */
final class ArchiveImport {
  private final ImageStore store;

  ArchiveImport(ImageStore store) {
    this.store = store;
  }

  List<String> run(Path archive, String name) throws IOException {
    Path work = Files.createTempDirectory(Files.createDirectories(store.root()), ".import");
    try {
      Path src = archive;
      if (!Files.isDirectory(archive)) {
        Files.createDirectories(work.resolve("src"));
        Unpacker.run(List.of("tar", "-xf", archive.toAbsolutePath().toString(), "-C", work.resolve("src").toString()));
        src = work.resolve("src");
      }
      List<ArchiveImage> images = Files.exists(src.resolve("manifest.json")) ? ArchiveImage.fromDockerSave(src)
          : ArchiveImage.fromOciLayout(src, name);
      if (images.isEmpty()) {
        throw new IOException(archive + " holds no image (neither a docker save tarball nor an OCI layout)");
      }
      List<String> stored = new ArrayList<>();
      for (ArchiveImage image : images) {
        byte[] configBytes = Files.readAllBytes(image.config());
        String configDigest = store.putBlob(configBytes);
        List<String> diffIds = new ArrayList<>();
        Json.MAPPER.readTree(configBytes).path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        if (diffIds.size() != image.layers().size()) {
          throw new IOException("image config " + configDigest + " lists " + diffIds.size() + " diff_ids for " + image.layers().size() + " layers");
        }
        for (int i = 0; i < diffIds.size(); i++) {
          Path layer = image.layers().get(i);
          store.putLayer(diffIds.get(i), image.layerDigests().get(i), () -> Files.newInputStream(layer));
        }
        List<String> names = image.references().isEmpty() && name != null ? List.of(name) : image.references();
        if (names.isEmpty()) {
          names = List.of(configDigest);
        }
        for (String n : names) {
          String canonical = ImageReference.canonical(n);
          String imageId = image.manifestDigest() == null || canonical.startsWith("sha256:") ? configDigest
              : ImageName.parse(canonical).repositoryName() + "@" + image.manifestDigest();
          store.commitImage(configDigest, diffIds, List.of(canonical), imageId, "imported from " + archive.getFileName());
          stored.add(canonical);
        }
      }
      return stored;
    } finally {
      Unpacker.deleteTree(work);
    }
  }

}
