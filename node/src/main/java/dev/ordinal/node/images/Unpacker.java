package dev.ordinal.node.images;

import dev.ordinal.threads.Blocking;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Unpacks image layers for overlayfs: GNU tar extracts a layer (plain or compressed) keeping
 * owners, modes and special files; OCI whiteouts then become overlayfs's — {@code .wh.NAME} a 0:0
 * character device named NAME, {@code .wh..wh..opq} the directory's {@code trusted.overlay.opaque}.
 */
public final class Unpacker {
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  private Unpacker() {}

  static void unpackLayer(Path layer, Path into) throws IOException {
    Files.createDirectories(into);
    run(List.of("tar", "--numeric-owner", "--same-owner", "-xpf", layer.toAbsolutePath().toString(), "-C", into.toString()));
    convertWhiteouts(into);
  }

  /** Turns the OCI whiteouts of an unpacked layer into overlayfs's. */
  static void convertWhiteouts(Path into) throws IOException {
    List<Path> marks = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(into)) {
      walk.filter(p -> p.getFileName().toString().startsWith(WHITEOUT)).forEach(marks::add);
    }
    for (Path mark : marks) {
      String name = mark.getFileName().toString();
      Files.delete(mark);
      if (name.equals(OPAQUE)) {
        run(List.of("setfattr", "-n", "trusted.overlay.opaque", "-v", "y", mark.getParent().toString()));
      } else {
        run(List.of("mknod", mark.getParent().resolve(name.substring(WHITEOUT.length())).toString(), "c", "0", "0"));
      }
    }
  }

  static void run(List<String> command) throws IOException {
    Blocking.run(() -> runHere(command)); // a process and its pipe: never on a virtual thread's carrier
  }

  private static void runHere(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    try {
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command.subList(0, 2)) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  /** Deletes a directory tree (not following links), deepest first; nothing when it is absent. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
