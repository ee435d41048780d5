package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The root a host image runs on: not the host's root, but a layer of Ordinal's own (written once
 * per content under the data directory, the overlay's only lower layer) with the host's {@code /usr}
 * bind-mounted read-only over it. The layer holds {@code /bin}, {@code /lib*} and {@code /sbin} as
 * the host has them (symlinks into {@code /usr} on a merged-/usr system), a copy of the host's
 * {@code /etc} cleaned of the host's secrets and identity (see {@link EtcCopy}) with the entry's own
 * files, and empty {@code /var}, {@code /srv}, {@code /opt}, {@code /home}, {@code /root},
 * {@code /tmp}, {@code /mnt}, {@code /media} and {@code /run}, writable in each container's own
 * upper layer. {@link HostImages.RootKind#BUSYBOX} is the official BusyBox image's root instead:
 * the multi-call binary and its C library, every applet a link in {@code /bin}, nothing of the
 * host's {@code /usr}.
 */
final class HostRoot {
  /** The layer and what is mounted over it from the host, in mount order. */
  record Prepared(Path layer, List<OciSpec.Mount> hostMounts, List<String> tmpfs) {}

  /** Empty and writable over the host's {@code /usr}: the host's own additions are not the image's. */
  private static final List<String> OVER_USR = List.of("/usr/local");

  private static final List<String> EMPTY_DIRS = List.of("var/lib", "var/cache", "var/log", "var/spool", "var/local", "var/opt",
      "var/mail", "var/backups", "srv", "opt", "home", "mnt", "media", "run", "proc", "sys", "dev", "usr");
  private static final List<String> STICKY_DIRS = List.of("tmp", "var/tmp", "run/lock");
  private static final List<String> SYSTEM_DIRS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

  private final Path hostRoot;

  HostRoot(Path hostRoot) {
    this.hostRoot = hostRoot;
  }

  /** The layer of this entry, written on first use (or when the host's files it copies changed). */
  Prepared prepare(Path layersDir, String name, HostImages.Entry entry) throws IOException {
    boolean busybox = entry.root() == HostImages.RootKind.BUSYBOX;
    List<Path> busyboxFiles = busybox ? busyboxFiles(hostRoot.resolve(entry.binary().substring(1))) : List.of();
    Path dir = layersDir.resolve(name + "-" + digest(entry, busybox ? busyboxFiles : List.of(hostRoot.resolve("etc"))));
    List<OciSpec.Mount> mounts = busybox ? List.of() : hostMounts(entry);
    if (Files.isDirectory(dir)) {
      return new Prepared(dir, mounts, busybox ? List.of() : OVER_USR);
    }
    Files.createDirectories(layersDir);
    Path partial = Files.createTempDirectory(layersDir, ".partial-");
    try {
      // the layer's root becomes the container's "/", which everyone must be able to enter
      Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
      skeleton(partial);
      if (busybox) {
        BusyBoxRoot.write(partial, hostRoot, hostRoot.resolve(entry.binary().substring(1)), busyboxFiles);
      } else {
        for (String system : SYSTEM_DIRS) {
          Path onHost = hostRoot.resolve(system);
          if (Files.isSymbolicLink(onHost)) {
            Files.createSymbolicLink(partial.resolve(system), Files.readSymbolicLink(onHost));
          } else if (Files.isDirectory(onHost)) {
            Files.createDirectory(partial.resolve(system));
          }
        }
        Files.createSymbolicLink(partial.resolve("var/run"), Path.of("/run"));
        Files.createSymbolicLink(partial.resolve("var/lock"), Path.of("/run/lock"));
        EtcCopy.copy(hostRoot.resolve("etc"), partial.resolve("etc"), entry.removed());
      }
      for (var f : entry.files().entrySet()) {
        Path target = inside(partial, f.getKey());
        if (f.getKey().endsWith("/")) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
      }
      for (String p : entry.hostPaths()) {
        Files.createDirectories(inside(partial, p));
      }
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException raced) {
      // Another container of the same image wrote it first; theirs is the same. rename(2) onto a
      // non-empty directory fails with ENOTEMPTY, which the JDK reports as a plain
      // FileSystemException ("Directory not empty"), so the type cannot tell a race: the result can.
      HostCommand.run(List.of("rm", "-rf", partial.toString()), Duration.ofSeconds(30));
      if (!Files.isDirectory(dir)) {
        throw raced;
      }
    }
    return new Prepared(dir, mounts, busybox ? List.of() : OVER_USR);
  }

  private static void skeleton(Path root) throws IOException {
    for (String d : EMPTY_DIRS) {
      Files.createDirectories(root.resolve(d));
    }
    for (String d : STICKY_DIRS) {
      Path p = Files.createDirectories(root.resolve(d));
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
      Files.setAttribute(p, "unix:mode", 01777);
    }
    Path home = Files.createDirectories(root.resolve("root"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
  }

  /**
   * The host's {@code /usr} read-only (without set-uid: nothing in the pod gains a privilege from
   * the host's programs), the system directories that are directories rather than links, and the entry's
   * own extra paths.
   */
  private List<OciSpec.Mount> hostMounts(HostImages.Entry entry) {
    List<OciSpec.Mount> out = new ArrayList<>();
    out.add(new OciSpec.Mount(hostRoot.resolve("usr"), "/usr", true));
    for (String system : SYSTEM_DIRS) {
      Path onHost = hostRoot.resolve(system);
      if (!Files.isSymbolicLink(onHost) && Files.isDirectory(onHost)) {
        out.add(new OciSpec.Mount(onHost, "/" + system, true));
      }
    }
    for (String p : entry.hostPaths()) {
      out.add(new OciSpec.Mount(inside(hostRoot, p), p, true));
    }
    return out;
  }

  /** The binary and the shared libraries it loads, as the host's dynamic loader finds them. */
  private static List<Path> busyboxFiles(Path binary) throws IOException {
    List<Path> out = new ArrayList<>(List.of(binary));
    HostCommand.Result ldd = HostCommand.run(List.of("ldd", binary.toString()), Duration.ofSeconds(10));
    if (ldd.ok()) {
      for (String line : ldd.stdout().lines().toList()) {
        // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)"
        String[] f = line.trim().split("\\s+");
        String path = f.length >= 3 && f[1].equals("=>") ? f[2] : f.length >= 1 && f[0].startsWith("/") ? f[0] : "";
        if (path.startsWith("/")) {
          out.add(Path.of(path));
        }
      }
    }
    return out;
  }

  static Path inside(Path root, String absolute) {
    return root.resolve(absolute.replaceFirst("^/+", ""));
  }

  /** The entry's content and what of the host's it copies (paths, sizes, times, modes of every file under them). */
  private static String digest(HostImages.Entry entry, List<Path> copied) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update((entry.root() + "\0").getBytes(StandardCharsets.UTF_8));
      new TreeMap<>(entry.files()).forEach((path, content) -> {
        sha.update(path.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(content.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      });
      entry.removed().stream().sorted().forEach(path -> sha.update((path + "\0-").getBytes(StandardCharsets.UTF_8)));
      entry.hostPaths().stream().sorted().forEach(path -> sha.update((path + "\0+").getBytes(StandardCharsets.UTF_8)));
      for (Path p : copied) {
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
            stamp(dir, attrs);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
            stamp(file, attrs);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            return FileVisitResult.CONTINUE;
          }

          private void stamp(Path f, BasicFileAttributes attrs) throws IOException {
            Object mode = Files.getAttribute(f, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            sha.update((f + "\0" + attrs.size() + "\0" + attrs.lastModifiedTime().toMillis() + "\0" + mode + "\0")
                .getBytes(StandardCharsets.UTF_8));
          }
        });
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean othersMay(Set<PosixFilePermission> perms, PosixFilePermission... needed) {
    return perms.containsAll(List.of(needed));
  }
}
