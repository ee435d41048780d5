package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pod's {@code fsGroup} on a volume, as kubelet's {@code SetVolumeOwnership} applies it: every
 * file and directory group-owned by it, group read-write (read-only for volumes mounted read-only:
 * ConfigMaps, Secrets, downward API, projected), directories also group-searchable with the setgid
 * bit so new files inherit the group. {@code fsGroupChangePolicy: OnRootMismatch} skips the walk
 * when the volume's root already has the group and the bits; {@code Always} (the default) walks.
 */
final class VolumeOwnership {
  private static final Logger log = LoggerFactory.getLogger(VolumeOwnership.class);

  static final int RW = 0660;
  static final int RO = 0440;
  static final int EXEC = 0110;
  static final int SETGID = 02000;

  private VolumeOwnership() {}

  /** The mode a file gets: its own permission bits with the group's added (and setgid and search on directories). */
  static int mode(int current, boolean dir, boolean readOnly) {
    int mask = readOnly ? RO : RW;
    if (dir) {
      mask |= SETGID | EXEC;
    }
    return (current & 07777) | mask;
  }

  /** kubelet's {@code requiresPermissionChange} negated: the root is a directory with the group and every bit already. */
  static boolean rootMatches(long gid, int mode, boolean dir, long fsGroup, boolean readOnly) {
    if (gid != fsGroup || !dir) {
      return false;
    }
    int wanted = (readOnly ? RO : RW) | EXEC;
    return (mode & wanted) == wanted && (mode & SETGID) != 0;
  }

  /** Whether the walk can be skipped under the policy. */
  static boolean skip(String policy, long gid, int mode, boolean dir, long fsGroup, boolean readOnly) {
    return "OnRootMismatch".equals(policy) && rootMatches(gid, mode, dir, fsGroup, readOnly);
  }

  /** Applies {@code fsGroup} to the volume at {@code root} under the policy ({@code null}: Always). */
  static void apply(Path root, long fsGroup, String policy, boolean readOnly) throws IOException {
    Map<String, Object> attrs = Files.readAttributes(root, "unix:gid,mode");
    if (skip(policy, ((Number) attrs.get("gid")).longValue(), (Integer) attrs.get("mode"), Files.isDirectory(root), fsGroup, readOnly)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) throws IOException {
        change(dir, a, fsGroup, readOnly);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes a) throws IOException {
        change(file, a, fsGroup, readOnly);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        log.warn("fsGroup: cannot read {}: {}", file, e.getMessage());
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void change(Path p, BasicFileAttributes a, long fsGroup, boolean readOnly) {
    try {
      Map<String, Object> now = Files.readAttributes(p, "unix:gid,mode", LinkOption.NOFOLLOW_LINKS);
      if (((Number) now.get("gid")).longValue() != fsGroup) {
        Files.setAttribute(p, "unix:gid", (int) fsGroup, LinkOption.NOFOLLOW_LINKS);
      }
      if (a.isSymbolicLink()) {
        return; // chmod would reach the link's target, which has its own mode
      }
      int mode = (Integer) now.get("mode") & 07777;
      int wanted = mode(mode, a.isDirectory(), readOnly);
      if (wanted != mode) {
        Files.setAttribute(p, "unix:mode", wanted);
      }
    } catch (IOException | RuntimeException e) {
      // kubelet logs and goes on: one odd file does not keep the pod from starting
      log.warn("fsGroup: cannot change {}: {}", p, e.getMessage());
    }
  }
}
