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
