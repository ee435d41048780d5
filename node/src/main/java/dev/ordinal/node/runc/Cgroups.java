package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * The cgroup directories of pods, {@code /ordinal/<pod-uid>/<container>-<run>} (or under another
 * {@link #useParent parent}) in every hierarchy
 * mounted under /sys/fs/cgroup (each v1 controller, the named systemd one and, in hybrid mode, the
 * v2 {@code unified} one; on a pure v2 host, the single hierarchy itself). runc makes and removes a
 * container's own directory; the pod's directory and the shared {@code /ordinal} above it are ours
 * to remove. A cgroup directory is removed with rmdir, which the kernel refuses while it has
 * processes or children, so removing one can never disturb a running container.
 */
final class Cgroups {
  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  /** The parent of every pod's directory: {@code /ordinal}, or an agent's {@code --cgroup-root}; set once, before any pod. */
  private static volatile String parent = "/ordinal";

  /**
   * Held for reading while runc creates a container (it makes the directories top down), and for
   * writing while the shared parent is removed, so that removal never pulls the parent from under a
   * container being created.
   */
  static final ReadWriteLock PARENT_LOCK = new ReentrantReadWriteLock();

  private Cgroups() {}

  /**
   * Another parent for this process's pods, as kubelet's {@code --cgroup-root}: agents sharing
   * one machine (hosts as network namespaces) keep apart what each removes as orphans.
   */
  static void useParent(String path) {
    if (!path.matches("(/[A-Za-z0-9_.-]+)+") || path.contains("/..") || path.contains("/./")) {
      throw new IllegalArgumentException("cgroup root " + path + " is not an absolute path such as /ordinal");
    }
    parent = path;
  }

  static String parent() {
    return parent;
  }

  static String podPath(String podUid) {
    return parent + "/" + podUid;
  }

  /** Removes the directory (and its empty descendants) in every hierarchy; true when none is left. */
  static boolean remove(String path) throws IOException {
    boolean gone = true;
    for (Path dir : directories(path)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        // deepest first; a cgroup's control files go with its directory
        for (Path d : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
          try {
            Files.delete(d);
          } catch (IOException e) {
            gone = false; // still in use: a later removal tries again
          }
        }
      }
    }
    return gone;
  }

  /** Where the directory exists: one path per hierarchy that has it. */
  static List<Path> directories(String path) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path h : hierarchies()) {
      Path dir = h.resolve(path.substring(1));
      if (Files.isDirectory(dir)) {
        out.add(dir);
      }
    }
    return out;
  }

  /** The pod uids that have a directory under the parent in some hierarchy (any instance's). */
  static Set<String> pods() throws IOException {
    Set<String> out = new HashSet<>();
    for (Path parent : directories(parent)) {
      try (Stream<Path> list = Files.list(parent)) {
        list.filter(Files::isDirectory).forEach(d -> out.add(d.getFileName().toString()));
      }
    }
    return out;
  }

  /** Removes the shared parent where it is empty, unless a container is being created right now. */
  static void removeParentIfEmpty() {
    if (!PARENT_LOCK.writeLock().tryLock()) {
      return;
    }
    try {
      for (Path dir : directories(parent)) {
        try {
          Files.delete(dir);
        } catch (IOException e) {
          // another pod (perhaps another instance's) still has its directory there
        }
      }
    } catch (IOException e) {
      // nothing to remove
    } finally {
      PARENT_LOCK.writeLock().unlock();
    }
  }

  private static List<Path> hierarchies() throws IOException {
    if (!Files.isDirectory(ROOT)) {
      return List.of();
    }
    if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
      return List.of(ROOT); // pure cgroup v2: one hierarchy
    }
    try (Stream<Path> list = Files.list(ROOT)) {
      return list.filter(Files::isDirectory).toList();
    }
  }
}
