package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imports go into the shared store: an umoci OCI layout whose ref.name is only a tag, named by --name. */
class ArchiveImportIT {
  @TempDir Path tmp;

  @Test
  void tagOnlyLayoutIsNamedByName() throws Exception {
    Path layout = tmp.resolve("layout");
    LocalRegistry.run(List.of("umoci", "init", "--layout", layout.toString()));
    LocalRegistry.run(List.of("umoci", "new", "--image", layout + ":v5"));
    Path bundle = tmp.resolve("bundle");
    LocalRegistry.run(List.of("umoci", "unpack", "--image", layout + ":v5", bundle.toString()));
    Files.writeString(bundle.resolve("rootfs/hello"), "hi");
    LocalRegistry.run(List.of("umoci", "repack", "--image", layout + ":v5", bundle.toString()));
    ImageStore store = new ImageStore(tmp.resolve("data"));
    assertThat(store.importArchive(layout, "ikubernetes/myapp")).containsExactly("docker.io/ikubernetes/myapp:v5");
    StoredImage image = store.lookup("ikubernetes/myapp:v5").orElseThrow();
    assertThat(Files.readString(image.layers().get(0).resolve("hello"))).isEqualTo("hi");
    assertThat(image.imageId()).startsWith("docker.io/ikubernetes/myapp@sha256:");
    assertThat(image.env()).containsEntry("PATH", ImageStore.DEFAULT_PATH);
    assertThat(ArchiveImage.named("v5", null)).isEqualTo("image:v5");
    assertThat(ArchiveImage.named("v5", "a/b:v1")).isEqualTo("a/b:v1");
    assertThat(store.remove("ikubernetes/myapp:v5")).isTrue();
    store.prune();
    assertThat(store.root().resolve("layers")).isEmptyDirectory();
  }
}
