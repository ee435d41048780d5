package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.controllers.volume.DirectoryBacking;
import dev.ordinal.controllers.volume.VolumeBacking;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Volumes with a capacity: each claim's data lives in a sparse file of exactly its size under the
 * volumes root ({@code pvc-<uid>.img}), attached as a loop device. A Filesystem claim's file holds
 * an XFS filesystem mounted on {@code pvc-<uid>/} (the PV's hostPath, bind-mounted into pods); a
 * Block claim's file is the device itself. The mount and the loop device are the claim's, not a
 * pod's: made when the volume is provisioned (or at its first use after {@code ordinal down}), kept
 * across pod restarts and restarts of Ordinal, removed when the volume is deleted and by
 * {@code ordinal down}.
 *
 * <p>Why XFS: growing online is {@code xfs_growfs}, which needs only CAP_SYS_ADMIN (as mounting
 * does), where ext4's online resize needs CAP_SYS_RESOURCE, which containers running Ordinal often
 * lack (this project's CI does). mkfs.xfs refuses filesystems under 300 MB as a support policy,
 * not a limit of the format (fstests runs smaller ones, through the same switch used here).
 */
public final class LoopVolumes implements VolumeBacking {
  static final String BACKING_FILE = "volume.ordinal.dev/backing-file";
  static final String FS_TYPE = "volume.ordinal.dev/fs-type";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  /** One lock per backing file, JVM-wide: the provisioner, the expander and the node share a file. */
  private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path root;
  private final DirectoryBacking directories;

  public LoopVolumes(Path volumesRoot) {
    this.root = volumesRoot.toAbsolutePath().normalize();
    this.directories = new DirectoryBacking(root);
  }

  /** Whether this host has the tools (losetup, mkfs.xfs, xfs_growfs) and loop devices. */
  public static boolean available() {
    return Files.exists(Path.of("/dev/loop-control")) && onPath("losetup") && onPath("mkfs.xfs") && onPath("xfs_growfs");
  }

  private static boolean onPath(String tool) {
    return Stream.of("/usr/sbin", "/sbin", "/usr/bin", "/bin").anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
  }

  @Override
  public Made create(String pvName, long bytes, boolean block) throws IOException {
    Path image = root.resolve(pvName + ".img");
    ReentrantLock lock = lock(image);
    try {
      if (!Files.exists(image)) {
        Path partial = root.resolve("." + pvName + ".img.tmp");
        try (RandomAccessFile f = new RandomAccessFile(partial.toFile(), "rw")) {
          f.setLength(bytes); // sparse: the host gives the blocks as they are written, never more than bytes
        }
        if (!block) {
          // TEST_DIR, TEST_DEV, QA_CHECK_FS together: mkfs.xfs's switch for filesystems under its 300 MB support floor (see the class comment)
          HostCommand.Result r = HostCommand.run(List.of("mkfs.xfs", "-q", "-f", "-m", "reflink=0", partial.toString()),
              Map.of("TEST_DIR", "1", "TEST_DEV", "1", "QA_CHECK_FS", "1"), null, TIMEOUT);
          if (!r.ok()) {
            Files.deleteIfExists(partial);
            throw new IOException("mkfs.xfs: " + r.why());
          }
        }
        Files.move(partial, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      if (block) {
        return new Made(image.toString(), Map.of(BACKING_FILE, image.toString()));
      }
      Path dir = root.resolve(pvName);
      mount(image, dir);
      return new Made(dir.toString(), Map.of(BACKING_FILE, image.toString(), FS_TYPE, "xfs"));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Makes a volume ready for a pod: a Filesystem volume mounted at its path (and grown to its
   * file, should a growth have happened while it was not mounted), a Block volume attached;
   * answers the path a pod gets (the directory, or the loop device). Volumes without a backing
   * file (plain directories) answer their path.
   */
  public Path prepare(JsonNode pv) throws IOException {
    String file = pv.path("metadata").path("annotations").path(BACKING_FILE).asText("");
    Path path = Path.of(pv.path("spec").path("hostPath").path("path").asText());
    if (file.isEmpty()) {
      return path;
    }
    Path image = own(file);
    ReentrantLock lock = lock(image);
    try {
      if (!Files.exists(image)) {
        throw new IOException("the backing file " + image + " of volume " + pv.path("metadata").path("name").asText() + " is missing");
      }
      if (isBlock(pv)) {
        return attach(image);
      }
      if (!RuncContainer.mounted(path)) {
        mount(image, path);
        grow(image, path);
      }
      return path;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long expand(ObjectNode pv, long bytes) throws IOException {
    String file = pv.path("metadata").path("annotations").path(BACKING_FILE).asText("");
    if (file.isEmpty()) {
      return bytes;
    }
    Path image = own(file);
    ReentrantLock lock = lock(image);
    try {
      try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
        if (f.length() < bytes) {
          f.setLength(bytes);
        }
      }
      Path path = Path.of(pv.path("spec").path("hostPath").path("path").asText());
      if (isBlock(pv)) {
        for (String dev : devicesOf(image)) {
          HostCommand.check(List.of("losetup", "-c", dev), TIMEOUT); // the device takes the file's new size
        }
      } else if (!RuncContainer.mounted(path)) {
        mount(image, path); // mounting reads the new size; the growth below fills it
        grow(image, path);
      } else {
        grow(image, path);
      }
      return Files.size(image);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean limitsCapacity(ObjectNode pv) {
    return !pv.path("metadata").path("annotations").path(BACKING_FILE).asText("").isEmpty();
  }

  @Override
  public boolean delete(ObjectNode pv) throws IOException {
    String file = pv.path("metadata").path("annotations").path(BACKING_FILE).asText("");
    if (file.isEmpty()) {
      return directories.delete(pv);
    }
    Path image = own(file);
    ReentrantLock lock = lock(image);
    try {
      if (!isBlock(pv)) {
        Path dir = own(pv.path("spec").path("hostPath").path("path").asText());
        unmount(dir);
        Files.deleteIfExists(dir);
      }
      detach(image);
      Files.deleteIfExists(image);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Copies the volume's backing file to {@code snapshots/<name>.img} (sparse; a reflink where the
   * host's filesystem has them). A mounted filesystem is frozen for the copy (FIFREEZE through
   * {@code fsfreeze}): writers block, what was written is on the file, and the copy is the
   * filesystem as at one instant, which XFS recovers from its log when the copy is mounted. The
   * freeze is lifted whatever the copy did. A Block volume is copied as it is, crash-consistent:
   * the filesystem on it, if any, is the pod's and unknown here.
   */
  @Override
  public Copy snapshot(ObjectNode pv, String name) throws IOException {
    String file = pv.path("metadata").path("annotations").path(BACKING_FILE).asText("");
    if (file.isEmpty()) {
      return directories.snapshot(pv, name);
    }
    Path image = own(file);
    Path target = snapshotFile(name);
    ReentrantLock lock = lock(image);
    try {
      if (Files.exists(target)) {
        return new Copy(target.toString(), Files.size(target));
      }
      Files.createDirectories(target.getParent());
      Path partial = target.resolveSibling("." + name + ".img.tmp");
      Files.deleteIfExists(partial);
      Path dir = Path.of(pv.path("spec").path("hostPath").path("path").asText());
      boolean freeze = !isBlock(pv) && RuncContainer.mounted(dir);
      if (freeze) {
        HostCommand.check(List.of("fsfreeze", "--freeze", dir.toString()), TIMEOUT);
      }
      try {
        HostCommand.check(List.of("cp", "--sparse=always", "--reflink=auto", image.toString(), partial.toString()), TIMEOUT);
      } finally {
        if (freeze) {
          HostCommand.check(List.of("fsfreeze", "--unfreeze", dir.toString()), TIMEOUT);
        }
      }
      Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return new Copy(target.toString(), Files.size(target));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean snapshotExists(String handle) {
    Path p = Path.of(handle).toAbsolutePath().normalize();
    return p.startsWith(root.resolve("snapshots")) && Files.exists(p) || directories.snapshotExists(handle);
  }

  @Override
  public boolean deleteSnapshot(String handle) throws IOException {
    Path p = Path.of(handle).toAbsolutePath().normalize();
    if (!p.startsWith(root.resolve("snapshots")) || p.equals(root.resolve("snapshots"))) {
      return false;
    }
    if (Files.isDirectory(p)) {
      return directories.deleteSnapshot(handle);
    }
    Files.deleteIfExists(p);
    return true;
  }

  /**
   * A new volume from a snapshot's file: copied (sparse), grown to the claim's size, and for a
   * filesystem given a UUID of its own — XFS refuses to mount a second filesystem with the UUID of
   * one mounted, and the source volume usually still is. The copy of a frozen XFS needs its log
   * replayed before {@code xfs_admin} may change the UUID, so it is mounted once with
   * {@code nouuid} (which replays it) and unmounted first.
   */
  @Override
  public Made restore(String pvName, String handle, long bytes, boolean block) throws IOException {
    Path source = Path.of(handle).toAbsolutePath().normalize();
    if (Files.isDirectory(source)) {
      return directories.restore(pvName, handle, bytes, block);
    }
    if (!source.startsWith(root.resolve("snapshots")) || !Files.exists(source)) {
      throw new IOException("snapshot data " + handle + " is missing");
    }
    Path image = root.resolve(pvName + ".img");
    ReentrantLock lock = lock(image);
    try {
      if (!Files.exists(image)) {
        Path partial = root.resolve("." + pvName + ".img.tmp");
        Files.deleteIfExists(partial);
        HostCommand.check(List.of("cp", "--sparse=always", "--reflink=auto", source.toString(), partial.toString()), TIMEOUT);
        try (RandomAccessFile f = new RandomAccessFile(partial.toFile(), "rw")) {
          if (f.length() < bytes) {
            f.setLength(bytes);
          }
        }
        if (!block) {
          Path replay = root.resolve("." + pvName + ".replay");
          Files.createDirectories(replay);
          try {
            HostCommand.check(List.of("mount", "-t", "xfs", "-o", "loop,nodiscard,nouuid", partial.toString(), replay.toString()), TIMEOUT);
            HostCommand.check(List.of("umount", replay.toString()), TIMEOUT);
          } finally {
            Files.deleteIfExists(replay);
          }
          HostCommand.check(List.of("xfs_admin", "-U", "generate", partial.toString()), TIMEOUT);
        }
        Files.move(partial, image, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      if (block) {
        return new Made(image.toString(), Map.of(BACKING_FILE, image.toString()));
      }
      Path dir = root.resolve(pvName);
      mount(image, dir);
      grow(image, dir); // the claim may ask for more than the snapshot held
      return new Made(dir.toString(), Map.of(BACKING_FILE, image.toString(), FS_TYPE, "xfs"));
    } finally {
      lock.unlock();
    }
  }

  private Path snapshotFile(String name) {
    return root.resolve("snapshots").resolve(name + ".img");
  }

  /**
   * {@code ordinal down}: every volume mount under the root unmounted, every loop device of its
   * files detached; the files stay (the claims' data), and are attached again at their next use.
   *
   * @return what could not be removed, one line each
   */
  public List<String> detachAll() throws IOException {
    List<String> left = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return left;
    }
    for (String m : mountsUnder(root)) {
      HostCommand.Result r = HostCommand.run(List.of("umount", m), TIMEOUT);
      if (!r.ok()) {
        left.add("mount " + m + ": " + r.why());
      }
    }
    try (Stream<Path> files = Files.list(root)) {
      for (Path image : files.filter(p -> p.getFileName().toString().endsWith(".img")).toList()) {
        try {
          detach(image);
        } catch (IOException e) {
          left.add("loop device of " + image + ": " + e.getMessage());
        }
      }
    }
    return left;
  }

  private void mount(Path image, Path dir) throws IOException {
    Files.createDirectories(dir);
    if (RuncContainer.mounted(dir)) {
      return;
    }
    // "loop" attaches the file with autoclear: the device goes with the last unmount
    HostCommand.check(List.of("mount", "-t", "xfs", "-o", "loop,nodiscard", image.toString(), dir.toString()), TIMEOUT);
    // a new filesystem's root is root's 0755; claims are world-writable, as the directories were
    if ((Files.getPosixFilePermissions(dir).size() < 9)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }
  }

  /** Grows the mounted filesystem to its device, after the device takes the file's size. */
  private static void grow(Path image, Path dir) throws IOException {
    for (String dev : devicesOf(image)) {
      HostCommand.check(List.of("losetup", "-c", dev), TIMEOUT);
    }
    HostCommand.check(List.of("xfs_growfs", "-d", dir.toString()), TIMEOUT);
  }

  private static void unmount(Path dir) throws IOException {
    if (!RuncContainer.mounted(dir)) {
      return;
    }
    HostCommand.Result r = HostCommand.run(List.of("umount", dir.toString()), TIMEOUT);
    if (!r.ok()) {
      // still used by a container being torn down: detached now, freed with its last user
      HostCommand.check(List.of("umount", "-l", dir.toString()), TIMEOUT);
    }
  }

  private static Path attach(Path image) throws IOException {
    List<String> devices = devicesOf(image);
    if (!devices.isEmpty()) {
      return Path.of(devices.get(0));
    }
    return Path.of(HostCommand.check(List.of("losetup", "--find", "--show", image.toString()), TIMEOUT).strip());
  }

  private static void detach(Path image) throws IOException {
    for (String dev : devicesOf(image)) {
      HostCommand.run(List.of("losetup", "-d", dev), TIMEOUT);
    }
  }

  /** The loop devices a file is attached to (losetup's own list). */
  static List<String> devicesOf(Path image) throws IOException {
    String out = HostCommand.check(List.of("losetup", "-j", image.toString(), "-n", "-O", "NAME"), TIMEOUT);
    return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  static boolean isBlock(JsonNode pv) {
    return pv.path("spec").path("volumeMode").asText("Filesystem").equals("Block");
  }

  private Path own(String file) throws IOException {
    Path p = Path.of(file).toAbsolutePath().normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new IOException(p + " is not under the volumes root " + root);
    }
    return p;
  }

  private static ReentrantLock lock(Path image) {
    ReentrantLock lock = LOCKS.computeIfAbsent(image.toString(), k -> new ReentrantLock());
    lock.lock();
    return lock;
  }

  private static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir + "/";
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
      String[] f = line.split(" ");
      if (f.length > 1 && f[1].startsWith(prefix)) {
        out.add(f[1]);
      }
    }
    out.sort(java.util.Comparator.reverseOrder());
    return out;
  }
}
