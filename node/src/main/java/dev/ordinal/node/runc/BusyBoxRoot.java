package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * The root of the official {@code busybox} image (its glibc variant), built from the host's
 * BusyBox: {@code /bin/busybox} with a hard link in {@code /bin} for every applet it has (so
 * {@code sh}, {@code wget}, {@code nslookup}, {@code httpd}, {@code nc} … are BusyBox's, as in the
 * official image, and nothing of the host's coreutils is there), the C library it loads at the
 * paths it loads it from, and the official image's {@code /etc}: its passwd, group and
 * nsswitch.conf.
 */
final class BusyBoxRoot {
  private BusyBoxRoot() {}

  /** The official image's accounts (busybox:1.36-glibc). */
  static final String PASSWD = """
      root:x:0:0:root:/root:/bin/sh
      daemon:x:1:1:daemon:/usr/sbin:/bin/false
      bin:x:2:2:bin:/bin:/bin/false
      sys:x:3:3:sys:/dev:/bin/false
      sync:x:4:100:sync:/bin:/bin/sync
      mail:x:8:8:mail:/var/spool/mail:/bin/false
      www-data:x:33:33:www-data:/var/www:/bin/false
      operator:x:37:37:Operator:/var:/bin/false
      nobody:x:65534:65534:nobody:/home:/bin/false
      """;

  static final String GROUP = """
      root:x:0:
      daemon:x:1:
      bin:x:2:
      sys:x:3:
      adm:x:4:
      tty:x:5:
      disk:x:6:
      lp:x:7:
      mail:x:8:
      kmem:x:9:
      wheel:x:10:root
      cdrom:x:11:
      dialout:x:18:
      floppy:x:19:
      video:x:28:
      audio:x:29:
      tape:x:32:
      www-data:x:33:
      operator:x:37:
      utmp:x:43:
      plugdev:x:46:
      staff:x:50:
      lock:x:54:
      netdev:x:82:
      users:x:100:
      nogroup:x:65534:
      """;

  static void write(Path root, Path hostRoot, Path binary, List<Path> files) throws IOException {
    Path bin = Files.createDirectories(root.resolve("bin"));
    Files.createDirectories(root.resolve("usr/sbin"));
    Files.createDirectories(root.resolve("var/www"));
    Path busybox = bin.resolve("busybox");
    Files.copy(binary, busybox, StandardCopyOption.COPY_ATTRIBUTES);
    for (Path lib : files.subList(1, files.size())) {
      // at the path the binary asks for (its interpreter is /lib64/ld-linux-x86-64.so.2), a file of its own
      Path to = HostRoot.inside(root, lib.toString());
      Files.createDirectories(to.getParent());
      Files.copy(lib, to, StandardCopyOption.COPY_ATTRIBUTES);
    }
    HostCommand.Result list = HostCommand.run(List.of(binary.toString(), "--list"), Duration.ofSeconds(10));
    if (!list.ok()) {
      throw new IOException("busybox --list failed: " + list.why());
    }
    for (String applet : list.stdout().lines().map(String::strip).filter(a -> !a.isEmpty() && !a.contains("/")).toList()) {
      Path link = bin.resolve(applet);
      if (!Files.exists(link)) {
        Files.createLink(link, busybox);
      }
    }
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(etc.resolve("passwd"), PASSWD, StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("group"), GROUP, StandardCharsets.UTF_8);
    Files.writeString(etc.resolve("nsswitch.conf"), "hosts: files dns\nnetworks: files\n", StandardCharsets.UTF_8);
    Files.createSymbolicLink(etc.resolve("mtab"), Path.of("/proc/mounts"));
    if (Files.exists(hostRoot.resolve("etc/localtime"))) {
      Files.copy(hostRoot.resolve("etc/localtime"), etc.resolve("localtime"));
    }
  }
}
