package dev.ordinal.node.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.node.images.registry.Digests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A layer whose bytes are not the manifest's is a digest mismatch, whatever else is wrong with
 * them (not gzip at all, gzip with a broken body, cut short, another valid layer), and leaves
 * nothing in the store: not in {@code layers/}, not in {@code tmp/}. Runs tar, hence an IT.
 */
class LayerVerifyIT {
  @TempDir Path tmp;

  @Test
  void everyWrongBlobIsADigestMismatchAndLeavesNothing() throws Exception {
    byte[] tar = tar("hello", "layer content\n".repeat(2000));
    byte[] good = gzip(tar);
    String digest = Digests.sha256(good);
    String diffId = Digests.sha256(tar);
    byte[] random = new byte[good.length];
    new java.util.Random(1).nextBytes(random);
    byte[] brokenBody = good.clone();
    for (int i = 20; i < brokenBody.length - 20; i++) {
      brokenBody[i] ^= 0x5a; // the gzip header stays, the deflate stream is garbage
    }
    byte[] other = gzip(tar("hello", "something else\n"));
    record Case(String name, byte[] bytes, String message) {}
    List<Case> cases = List.of(
        new Case("random bytes", random, "unexpected commit digest"),
        new Case("a gzip header and a broken body", brokenBody, "unexpected commit digest"),
        new Case("cut short", Arrays.copyOf(good, good.length / 2), "unexpected commit digest"),
        new Case("another valid layer", other, "unexpected commit digest"));
    for (Case c : cases) {
      ImageStore store = new ImageStore(tmp.resolve(c.name().replace(' ', '-')));
      assertThatThrownBy(() -> store.putLayer(diffId, digest, () -> new ByteArrayInputStream(c.bytes())))
          .as(c.name()).isInstanceOf(ImageStore.DigestMismatch.class)
          .hasMessage("failed commit on ref \"layer-" + digest + "\": unexpected commit digest " + Digests.sha256(c.bytes()) + ", expected "
              + digest + ": failed precondition");
      assertThat(store.hasLayer(diffId)).as(c.name()).isFalse();
      assertThat(children(store.root().resolve("layers"))).as(c.name()).isEmpty();
      assertThat(children(store.root().resolve("tmp"))).as(c.name()).isEmpty();
    }
    ImageStore store = new ImageStore(tmp.resolve("right"));
    assertThatThrownBy(() -> store.putLayer(Digests.sha256(other), digest, () -> new ByteArrayInputStream(good)))
        .as("the right blob under a config that names another diff_id").isInstanceOf(ImageStore.DigestMismatch.class)
        .hasMessageContaining("unpacks to diff_id " + diffId);
    store.putLayer(diffId, digest, () -> new ByteArrayInputStream(good));
    assertThat(store.layer(diffId).resolve("hello")).hasContent("layer content\n".repeat(2000));
    assertThat(children(store.root().resolve("tmp"))).isEmpty();
    // a crash after a layer's size file was placed but before its directory: prune drops the size file alone
    Path orphan = store.root().resolve("layers").resolve("0".repeat(64) + ".size");
    Files.writeString(orphan, "12");
    store.prune(java.util.Set.of());
    assertThat(orphan).doesNotExist();
    assertThat(store.root().resolve("layers")).as("the unused good layer goes too").isEmptyDirectory();
  }

  private static List<Path> children(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var s = Files.list(dir)) {
      return s.toList();
    }
  }

  private byte[] tar(String file, String content) throws Exception {
    Path dir = Files.createTempDirectory(tmp, "src");
    Files.writeString(dir.resolve(file), content);
    Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-cf", "-", file).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
    return out;
  }

  private static byte[] gzip(byte[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(bytes);
    }
    return out.toByteArray();
  }
}
