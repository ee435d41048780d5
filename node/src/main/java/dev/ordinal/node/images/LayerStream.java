package dev.ordinal.node.images;

import dev.ordinal.node.images.registry.Digests;
import dev.ordinal.threads.Blocking;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks one layer from a stream in a single pass: the compressed bytes are digested (the
 * manifest's digest), decompressed (gzip in Java, zstd by the {@code zstd} program GNU tar would
 * use too), digested again (the config's diff_id) and fed to {@code tar -x}. The caller compares
 * both digests before the directory is used. Compression is told by the stream's magic bytes, so
 * a layer whose media type says otherwise still unpacks. When decompressing or unpacking fails,
 * the rest of the stream is still read and digested ({@link Unreadable}): a tampered blob is
 * usually not even a valid archive, and its digest, not tar's complaint, is what the user needs.
 */
final class LayerStream {
  /** What was read: the digest and size of the stream as given, and of the tar inside it. */
  record Result(String digest, long size, String diffId, long uncompressedSize) {}

  /** The layer did not unpack; {@code digest} is that of the whole stream as given (null when it could not be read to its end). */
  static final class Unreadable extends IOException {
    private final String digest;

    Unreadable(String digest, IOException cause) {
      super(cause.getMessage(), cause);
      this.digest = digest;
    }

    String digest() {
      return digest;
    }
  }

  private LayerStream() {}

  static Result unpack(InputStream source, Path into) throws IOException {
    return Blocking.call(() -> unpackHere(source, into)); // process pipes: never on a carrier
  }

  private static Result unpackHere(InputStream source, Path into) throws IOException {
    Files.createDirectories(into);
    Digests.Hashing compressed = new Digests.Hashing(source);
    BufferedInputStream peek = new BufferedInputStream(compressed, 1 << 16);
    Process zstd = null;
    CompletableFuture<Void> feeding = null;
    try {
      peek.mark(4);
      byte[] magic = peek.readNBytes(4);
      peek.reset();
      InputStream tarStream;
      if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
        tarStream = new GZIPInputStream(peek, 1 << 16);
      } else if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
          && (magic[3] & 0xff) == 0xfd) {
        zstd = new ProcessBuilder("zstd", "-dcq").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Process z = zstd;
        feeding = Blocking.async("zstd-feed", () -> {
          try (OutputStream in = z.getOutputStream()) {
            peek.transferTo(in);
          } catch (IOException e) {
            // zstd ended early: its exit code says why
          }
        });
        tarStream = zstd.getInputStream();
      } else {
        tarStream = peek;
      }
      Digests.Hashing tar = new Digests.Hashing(tarStream);
      untar(tar, into);
      if (feeding != null) {
        feeding.join();
      }
      compressed.drain();
      if (zstd != null && (!zstd.waitFor(1, TimeUnit.MINUTES) || zstd.exitValue() != 0)) {
        throw new IOException("zstd -d of a layer failed (exit " + zstd.exitValue() + ")");
      }
      Unpacker.convertWhiteouts(into);
      return new Result(compressed.digest(), compressed.count(), tar.digest(), tar.count());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } catch (IOException e) {
      if (zstd != null) {
        zstd.destroyForcibly(); // its feeder then stops writing, and the rest of the stream is ours to read
      }
      if (feeding != null) {
        feeding.join();
      }
      String digest;
      try {
        compressed.drain();
        digest = compressed.digest();
      } catch (IOException unread) {
        digest = null; // the stream itself broke: its digest is unknown
      }
      throw new Unreadable(digest, e);
    } finally {
      if (zstd != null) {
        zstd.destroyForcibly();
      }
    }
  }

  /** Feeds the tar stream to {@code tar -x}, then reads what tar left of it (the diff_id covers the whole stream). */
  private static void untar(Digests.Hashing tar, Path into) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tar", "--numeric-owner", "--same-owner", "-xpf", "-", "-C", into.toString())
        .redirectErrorStream(true).start();
    AtomicReference<byte[]> said = new AtomicReference<>(new byte[0]);
    CompletableFuture<Void> output = Blocking.async("tar-output", () -> {
      try {
        said.set(p.getInputStream().readAllBytes());
      } catch (IOException e) {
        // tar's messages are lost; its exit code remains
      }
    });
    try {
      try (OutputStream out = p.getOutputStream()) {
        tar.transferTo(out);
      } catch (IOException e) {
        // tar stopped reading (at its end-of-archive blocks, or failing), or the stream broke: draining tells which
      }
      tar.drain();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        output.join();
        throw new IOException("tar -x of a layer failed: " + new String(said.get()).strip());
      }
    } finally {
      p.destroyForcibly();
    }
  }

  /** Unpacks a layer file (a {@code docker save} or OCI layout blob). */
  static Result unpack(Path layer, Path into) throws IOException {
    try (InputStream in = Files.newInputStream(layer)) {
      return unpack(in, into);
    }
  }
}
