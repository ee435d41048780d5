package dev.ordinal.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The data directory: the state database, the API token, the kubeconfig, the cluster CA and the
 * audit log. Only its owner may read it (0700 directory, 0600 files): it holds every secret of
 * the cluster.
 */
public final class DataDir {
  private final Path root;

  private DataDir(Path root) {
    this.root = root;
  }

  public static DataDir open(Path root) throws IOException {
    Files.createDirectories(root);
    restrict(root, PosixFilePermissions.fromString("rwx------"));
    return new DataDir(root.toAbsolutePath().normalize());
  }

  public Path root() {
    return root;
  }

  /** The state database; created empty and private on first use, so SQLite's files inherit 0600. */
  public Path database() throws IOException {
    Path db = root.resolve("state.db");
    if (!Files.exists(db)) {
      Files.createFile(db, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return db;
  }

  /** Where local-path volumes keep their data; pods reach it only through their own volume mounts. */
  public Path volumes() throws IOException {
    return Files.createDirectories(root.resolve("volumes"));
  }

  public Path kubeconfig() {
    return root.resolve("kubeconfig");
  }

  /** The audit log ({@code audit/audit.log}, its rotated files beside it); the directory is made 0700 when first written. */
  public Path auditLog() {
    return root.resolve("audit").resolve("audit.log");
  }

  /** The bearer token: generated on first start and kept, so kubeconfigs stay valid across restarts. */
  public String token() throws IOException {
    Path file = root.resolve("token");
    if (Files.exists(file)) {
      String t = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (!t.isEmpty()) {
        return t;
      }
    }
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    String t = HexFormat.of().formatHex(raw);
    writePrivate(file, t + "\n");
    return t;
  }

  /**
   * The key ServiceAccount tokens are signed with ({@code sa.key}, PKCS#8, 0600): made on first
   * start and kept, so tokens stay valid across restarts.
   */
  public dev.ordinal.apiserver.auth.SigningKey serviceAccountKey() throws IOException {
    Path file = root.resolve("sa.key");
    if (Files.exists(file)) {
      try {
        return dev.ordinal.apiserver.auth.SigningKey.fromPem(Files.readString(file, StandardCharsets.UTF_8));
      } catch (java.security.GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
        throw new IOException("cannot read the ServiceAccount signing key " + file + ": " + e.getMessage(), e);
      }
    }
    dev.ordinal.apiserver.auth.SigningKey key = dev.ordinal.apiserver.auth.SigningKey.generate();
    writePrivate(file, key.toPem());
    return key;
  }

  /** Writes a file readable by its owner only, replacing it atomically. */
  public static void writePrivate(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  private static void restrict(Path p, Set<PosixFilePermission> perms) throws IOException {
    Files.setPosixFilePermissions(p, perms);
  }
}
