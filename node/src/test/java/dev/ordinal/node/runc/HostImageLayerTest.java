package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layer a host image lays over the host's root. */
class HostImageLayerTest {
  @TempDir Path dir;

  @Test
  void nginxServesWhereTheOfficialImageDoesFromALayerWrittenOnce() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "whiteouts are character devices, which only root can make");
    HostImages.Entry nginx = HostImages.lookup("nginx:1.27").orElseThrow();
    Path layer = HostImageLayer.of(dir, "nginx", nginx);

    assertThat(Files.readString(layer.resolve("etc/nginx/conf.d/default.conf"))).contains("root /usr/share/nginx/html;");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(layer)))
        .as("the root everyone enters").isEqualTo("rwxr-xr-x");
    Path whiteout = layer.resolve("etc/nginx/sites-enabled/default");
    assertThat(Files.getAttribute(whiteout, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS))
        .as("a character device").matches(mode -> ((Integer) mode & 0170000) == 0020000);
    assertThat(HostImageLayer.of(dir, "nginx", nginx)).as("the same content, the same layer").isEqualTo(layer);
    HostImages.Entry changed = new HostImages.Entry(nginx.config(), nginx.packages(), nginx.binary(), Map.of("/etc/x", "y"), List.of());
    assertThat(HostImageLayer.of(dir, "nginx", changed)).isNotEqualTo(layer);
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial"));
    }
  }

  @Test
  void containersPreparingTheSameLayerAtOnceAllGetIt() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "whiteouts are character devices, which only root can make");
    HostImages.Entry nginx = HostImages.lookup("nginx").orElseThrow();
    // the replicas of a new Deployment start together; the losers of the rename saw ENOTEMPTY
    List<java.util.concurrent.Callable<Path>> preparing = java.util.Collections.nCopies(8, () -> HostImageLayer.of(dir, "nginx", nginx));
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      List<Path> layers = new java.util.ArrayList<>();
      for (var f : pool.invokeAll(preparing)) {
        layers.add(f.get());
      }
      assertThat(layers).hasSize(8).containsOnly(layers.getFirst());
    }
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial"));
    }
  }

  @Test
  void hostImagesWithoutALayerRunOnTheHostsRootAlone() throws Exception {
    ImageResolver resolver = new ImageResolver(new dev.ordinal.node.images.ImageStore(dir), dir.resolve("host-images"), null);
    assumeTrue(Files.exists(Path.of("/bin/bash")));
    assertThat(resolver.resolve("debian:12").layers()).containsExactly(Path.of("/"));
    assertThat(resolver.resolve("debian:12").ownRoot()).isFalse();
  }
}
