package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/**
 * The layer a host image puts over the host's root: the catalogue entry's files, and overlayfs
 * whiteouts (0:0 character devices) for the host files it hides. Written once per content under
 * the data directory, and copied into each container's writable layer.
 */
final class HostImageLayer {
  private HostImageLayer() {}

  /** The layer's directory for this entry, written on first use. */
  static Path of(Path layersDir, String name, HostImages.Entry entry) throws IOException {
    Path dir = layersDir.resolve(name + "-" + digest(entry));
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(layersDir);
    Path partial = Files.createTempDirectory(layersDir, ".partial-");
    // the layer's root becomes the container's "/", which everyone must be able to enter
    Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (var f : entry.files().entrySet()) {
      Path target = inside(partial, f.getKey());
      Files.createDirectories(target.getParent());
      Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
    }
    for (String removed : entry.removed()) {
      Path target = inside(partial, removed);
      Files.createDirectories(target.getParent());
      HostCommand.check(List.of("mknod", target.toString(), "c", "0", "0"), Duration.ofSeconds(10));
    }
    try {
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another container of the same image wrote it first; theirs is the same. rename(2) onto a
      // non-empty directory fails with ENOTEMPTY, which the JDK reports as a plain
      // FileSystemException ("Directory not empty"), so the type cannot tell a race: the result can.
      HostCommand.run(List.of("rm", "-rf", partial.toString()), Duration.ofSeconds(10));
      if (!Files.isDirectory(dir)) {
        throw raced;
      }
    }
    return dir;
  }

  private static Path inside(Path root, String absolute) {
    return root.resolve(absolute.replaceFirst("^/+", ""));
  }

  private static String digest(HostImages.Entry entry) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(entry.files()).forEach((path, content) -> {
        sha.update(path.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(content.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      });
      entry.removed().stream().sorted().forEach(path -> sha.update((path + "\0-").getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
