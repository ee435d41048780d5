package dev.ordinal.controllers.volume;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A directory per volume under the volumes root: no capacity of its own (a pod may fill the host),
 * so growing it only changes the number written down. The simulated runtime's backing, the runc
 * node's when the host lacks the tools for loop devices, and how every volume made before
 * capacities existed stays.
 */
public final class DirectoryBacking implements VolumeBacking {
  private final Path root;

  public DirectoryBacking(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public Made create(String pvName, long bytes, boolean block) throws IOException {
    Path dir = root.resolve(pvName);
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    return new Made(dir.toString(), Map.of());
  }

  @Override
  public long expand(ObjectNode pv, long bytes) {
    return bytes;
  }

  @Override
  public boolean limitsCapacity(ObjectNode pv) {
    return false;
  }

  /** Deletes the directory; never a path outside the volumes root. */
  @Override
  public boolean delete(ObjectNode pv) throws IOException {
    Path dir = Path.of(pv.path("spec").path("hostPath").path("path").asText("/nonexistent")).toAbsolutePath().normalize();
    if (!dir.startsWith(root) || dir.equals(root)) {
      return false;
    }
    deleteTree(dir);
    return true;
  }

  /**
   * A copy of the directory under {@code snapshots/}. A plain directory cannot be frozen, so the
   * copy is only as consistent as what the pods leave still while it is taken (the simulated
   * runtime's volumes, and the fallback without loop devices; docs/storage.md says so).
   */
  @Override
  public Copy snapshot(ObjectNode pv, String name) throws IOException {
    Path dir = Path.of(pv.path("spec").path("hostPath").path("path").asText("/nonexistent")).toAbsolutePath().normalize();
    if (!dir.startsWith(root) || dir.equals(root)) {
      throw new IOException("volume " + dir + " is not under the volumes root " + root);
    }
    Path target = snapshotPath(name);
    if (!Files.exists(target)) {
      Path partial = target.resolveSibling("." + name + ".tmp");
      deleteTree(partial);
      Files.createDirectories(partial.getParent());
      copyTree(dir, partial);
      Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    return new Copy(target.toString(), sizeOf(pv));
  }

  @Override
  public boolean snapshotExists(String handle) {
    Path p = Path.of(handle).toAbsolutePath().normalize();
    return p.startsWith(root.resolve("snapshots")) && Files.isDirectory(p);
  }

  @Override
  public boolean deleteSnapshot(String handle) throws IOException {
    Path p = Path.of(handle).toAbsolutePath().normalize();
    if (!p.startsWith(root.resolve("snapshots")) || p.equals(root.resolve("snapshots"))) {
      return false;
    }
    deleteTree(p);
    return true;
  }

  @Override
  public Made restore(String pvName, String handle, long bytes, boolean block) throws IOException {
    if (!snapshotExists(handle)) {
      throw new IOException("snapshot data " + handle + " is missing");
    }
    Path dir = root.resolve(pvName);
    if (!Files.exists(dir)) {
      Path partial = root.resolve("." + pvName + ".tmp");
      deleteTree(partial);
      copyTree(Path.of(handle), partial);
      Files.move(partial, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    return new Made(dir.toString(), Map.of());
  }

  private Path snapshotPath(String name) {
    return root.resolve("snapshots").resolve(name);
  }

  private static long sizeOf(ObjectNode pv) {
    return Quantities.bytes(pv.path("spec").path("capacity").path("storage").asText("0"));
  }

  /** Copies a tree, keeping permissions and symbolic links as they are. */
  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        Files.copy(p, t, java.nio.file.LinkOption.NOFOLLOW_LINKS, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
