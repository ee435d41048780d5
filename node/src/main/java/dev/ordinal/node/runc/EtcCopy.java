package dev.ordinal.node.runc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A host image's {@code /etc}: the host's, without what the host keeps from its users and what
 * makes it this host. The rule is the one the host itself applies: only what every local user may
 * read is copied (a directory others cannot enter is left out whole), so shadow and gshadow,
 * sudoers, SSH host keys, {@code ssl/private}, MariaDB's debian.cnf and any secret the host's
 * admin protected never reach a pod, even one running as root. On top of that, what is readable
 * yet the host's own: its machine-id, SSH configuration and public host keys, the users' sub-ids,
 * the backup copies of passwd and group, any file holding a PEM private key, and hosts, hostname
 * and resolv.conf (the pod's own are mounted over them). passwd and group keep the system's
 * accounts only (uid and gid below 1000, and nobody), the users an official image has.
 */
final class EtcCopy {
  private EtcCopy() {}

  /** Paths under /etc that are never copied, whatever their permissions. */
  static final Set<String> NEVER = Set.of("shadow", "shadow-", "gshadow", "gshadow-", "passwd-", "group-", "subuid", "subuid-",
      "subgid", "subgid-", "sudoers", "sudoers.d", "ssh", "ssl/private", "machine-id", "hostname", "hosts", "resolv.conf",
      ".pwd.lock", "security/opasswd", "krb5.keytab", "adjtime");

  private static final long SCANNED = 1 << 20;

  static void copy(Path hostEtc, Path target, List<String> removed) throws IOException {
    List<String> dropped = new ArrayList<>(removed.stream().map(r -> r.replaceFirst("^/+etc/", "")).toList());
    Files.walkFileTree(hostEtc, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        String rel = hostEtc.relativize(dir).toString();
        if (!rel.isEmpty() && (left(rel) || !others(dir, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_EXECUTE))) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        Files.copy(dir, target.resolve(rel), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        // copying the files into it changed its times: the host's again
        Path copy = target.resolve(hostEtc.relativize(dir).toString());
        Files.setLastModifiedTime(copy, Files.getLastModifiedTime(dir));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = hostEtc.relativize(file).toString();
        if (left(rel)) {
          return FileVisitResult.CONTINUE;
        }
        Path to = target.resolve(rel);
        if (attrs.isSymbolicLink()) {
          Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } else if (attrs.isRegularFile() && others(file, PosixFilePermission.OTHERS_READ) && !privateKey(file, attrs)) {
          if (rel.equals("passwd") || rel.equals("group")) {
            Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
            Set<String> users = Files.isReadable(hostEtc.resolve("passwd"))
                ? systemAccounts(Files.readAllLines(hostEtc.resolve("passwd")), Set.of()).lines().map(l -> l.split(":")[0])
                    .collect(java.util.stream.Collectors.toSet())
                : Set.of();
            Files.writeString(to, systemAccounts(Files.readAllLines(file, StandardCharsets.UTF_8), users), StandardCharsets.UTF_8);
          } else {
            Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) {
        return FileVisitResult.CONTINUE; // unreadable: not copied
      }

      private boolean left(String rel) {
        return NEVER.contains(rel) || dropped.contains(rel);
      }
    });
  }

  private static boolean others(Path p, PosixFilePermission... needed) throws IOException {
    return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).containsAll(List.of(needed));
  }

  /** Whether a file holds a PEM private key ("-----BEGIN … PRIVATE KEY-----"). */
  static boolean privateKey(Path file, BasicFileAttributes attrs) throws IOException {
    if (attrs.size() > SCANNED) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file)) {
      String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      return text.contains("PRIVATE KEY-----");
    }
  }

  /**
   * passwd or group lines of the system's accounts (id below 1000, or 65534); a group's members
   * (its fourth field) limited to {@code users}, so no host user's name is left in a pod.
   */
  static String systemAccounts(List<String> lines, Set<String> users) {
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      String[] f = line.split(":", -1);
      if (f.length < 3 || !f[2].matches("\\d{1,10}")) {
        continue;
      }
      long id = Long.parseLong(f[2]);
      if (id < 1000 || id == 65534) {
        if (f.length == 4) {
          f[3] = String.join(",", java.util.Arrays.stream(f[3].split(",")).filter(users::contains).toList());
          line = String.join(":", f);
        }
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }
}
