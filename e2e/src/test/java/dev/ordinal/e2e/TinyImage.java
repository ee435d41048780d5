package dev.ordinal.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small image made here without a registry, as {@code docker save} writes one: a first layer
 * with the host's busybox and the libraries it needs, a second that adds a file and deletes one of
 * the first's (a whiteout).
 */
final class TinyImage {
  static final String REFERENCE = "ordinal.test/tiny:1";

  private TinyImage() {}

  /** A root filesystem of the host's busybox, the libraries it loads and {@code /bin/sh}, in {@code root} (made). */
  static Path busyboxRoot(Path root) throws Exception {
    Path l1 = Files.createDirectories(root);
    for (String f : List.of("/bin/busybox", "/lib/x86_64-linux-gnu/libresolv.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib64/ld-linux-x86-64.so.2")) {
      Path to = l1.resolve(f.substring(1));
      Files.createDirectories(to.getParent());
      Files.copy(Path.of(f), to);
    }
    Files.createSymbolicLink(l1.resolve("bin/sh"), Path.of("busybox"));
    return l1;
  }

  static Path build(Path dir) throws Exception {
    Path l1 = busyboxRoot(dir.resolve("l1/root"));
    Files.createDirectories(l1.resolve("etc"));
    Files.writeString(l1.resolve("etc/remove-me"), "from the first layer\n");
    Files.writeString(l1.resolve("etc/greeting"), "hello from the first layer\n");
    Path l2 = Files.createDirectories(dir.resolve("l2/root/etc"));
    Files.writeString(l2.resolve("greeting"), "hello from the second layer\n");
    Files.writeString(l2.resolve(".wh.remove-me"), "");
    run(dir, "tar", "-C", "l1/root", "-cf", "l1/layer.tar", ".");
    run(dir, "tar", "-C", "l2/root", "-cf", "l2/layer.tar", ".");
    // docker save lists each layer's uncompressed digest, and the store checks every layer against it
    Files.writeString(dir.resolve("config.json"), """
        {"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/busybox"],"Cmd":["sh","-c","busybox cat /etc/greeting; exec busybox sleep 3600"],
         "Env":["PATH=/bin","FROM_IMAGE=yes"],"WorkingDir":"/etc"},"rootfs":{"type":"layers","diff_ids":["%s","%s"]}}"""
        .formatted(diffId(dir.resolve("l1/layer.tar")), diffId(dir.resolve("l2/layer.tar"))));
    Files.writeString(dir.resolve("manifest.json"), """
        [{"Config":"config.json","RepoTags":["%s"],"Layers":["l1/layer.tar","l2/layer.tar"]}]""".formatted(REFERENCE));
    run(dir, "tar", "-cf", "image.tar", "manifest.json", "config.json", "l1/layer.tar", "l2/layer.tar");
    return dir.resolve("image.tar");
  }

  private static String diffId(Path layer) throws Exception {
    java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
    try (var in = new java.security.DigestInputStream(Files.newInputStream(layer), sha)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed");
    }
  }
}
