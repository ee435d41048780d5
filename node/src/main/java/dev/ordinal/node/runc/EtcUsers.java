package dev.ordinal.node.runc;

import dev.ordinal.node.runtime.ProcessIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * An image's /etc/passwd and /etc/group, as containerd reads them from the container's root to
 * turn a user name into a uid and find a uid's primary group. A missing or unreadable file holds
 * no one.
 */
final class EtcUsers implements ProcessIdentity.Users {
  private final List<String[]> passwd;
  private final List<String[]> group;

  EtcUsers(List<String> passwd, List<String> group) {
    this.passwd = passwd.stream().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).filter(f -> f.length >= 4).toList();
    this.group = group.stream().filter(l -> !l.startsWith("#")).map(l -> l.split(":", -1)).filter(f -> f.length >= 3).toList();
  }

  /** The files as an image's root has them (null: none). */
  static EtcUsers read(Path passwdFile, Path groupFile) {
    return new EtcUsers(lines(passwdFile), lines(groupFile));
  }

  private static List<String> lines(Path file) {
    try {
      return file == null ? List.of() : Files.readAllLines(file);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  @Override
  public OptionalLong uid(String name) {
    return passwd.stream().filter(f -> f[0].equals(name)).map(f -> number(f[2])).filter(OptionalLong::isPresent).findFirst()
        .orElse(OptionalLong.empty());
  }

  @Override
  public OptionalLong primaryGid(long uid) {
    return passwd.stream().filter(f -> number(f[2]).equals(OptionalLong.of(uid))).map(f -> number(f[3])).filter(OptionalLong::isPresent)
        .findFirst().orElse(OptionalLong.empty());
  }

  @Override
  public OptionalLong gid(String name) {
    return group.stream().filter(f -> f[0].equals(name)).map(f -> number(f[2])).filter(OptionalLong::isPresent).findFirst()
        .orElse(OptionalLong.empty());
  }

  private static OptionalLong number(String s) {
    return s.matches("\\d{1,10}") ? OptionalLong.of(Long.parseLong(s)) : OptionalLong.empty();
  }
}
