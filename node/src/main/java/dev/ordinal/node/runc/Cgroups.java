package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removes what runc leaves of a pod's cgroups: the empty parent directories in every v1 hierarchy. */
final class Cgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  private Cgroups() {}

  static void remove(String path) throws IOException {
    if (!Files.isDirectory(ROOT)) {
      return;
    }
    try (Stream<Path> hierarchies = Files.list(ROOT)) {
      for (Path h : hierarchies.toList()) {
        Path dir = h.resolve(path.substring(1));
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
          // cgroup directories are removed with rmdir, deepest first; their control files go with them
          for (Path d : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
            try {
              Files.delete(d);
            } catch (IOException e) {
              // still in use (a process left in it): a later removal tries again
            }
          }
        }
      }
    }
  }
}
