package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The root a host image runs on, made from a host of the test's own. */
class HostRootTest {
  @TempDir Path dir;

  private Path host() throws Exception {
    Path host = Files.createDirectories(dir.resolve("host"));
    Files.createDirectories(host.resolve("usr/bin"));
    Files.createSymbolicLink(host.resolve("bin"), Path.of("usr/bin"));
    Files.createDirectories(host.resolve("sbin")); // not merged: mounted from the host
    Path etc = Files.createDirectories(host.resolve("etc"));
    Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\npostgres:x:105:110::/var/lib/postgresql:/bin/bash\n"
        + "alice:x:1000:1000::/home/alice:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n");
    Files.writeString(etc.resolve("group"), "root:x:0:\nsudo:x:27:alice\nssl-cert:x:110:postgres,alice\nalice:x:1000:\n");
    secret(etc.resolve("shadow"), "root:$y$secret:19000::::::\n", "rw-r-----");
    Files.writeString(etc.resolve("machine-id"), "0123456789abcdef\n");
    Files.writeString(etc.resolve("hostname"), "the-host\n");
    Path ssh = Files.createDirectories(etc.resolve("ssh"));
    Files.writeString(ssh.resolve("ssh_host_ed25519_key.pub"), "ssh-ed25519 AAAA host\n");
    Path priv = Files.createDirectories(etc.resolve("ssl/private"));
    Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(priv.resolve("snakeoil.key"), "key");
    Files.writeString(Files.createDirectories(etc.resolve("ssl/certs")).resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    Files.writeString(etc.resolve("ssl/leaked.pem"), "-----BEGIN EC PRIVATE KEY-----\n");
    secret(Files.createDirectories(etc.resolve("mysql")).resolve("debian.cnf"), "password = x\n", "rw-------");
    Files.writeString(etc.resolve("mysql/my.cnf"), "[mysqld]\n");
    Files.createSymbolicLink(etc.resolve("mysql/mariadb.cnf"), Path.of("my.cnf"));
    Files.writeString(Files.createDirectories(etc.resolve("nginx/sites-enabled")).resolve("default"), "server {}\n");
    return host;
  }

  private static void secret(Path file, String content, String perms) throws Exception {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(perms));
  }

  private static HostImages.Entry entry(Map<String, String> files, List<String> removed) {
    return new HostImages.Entry(ImageConfig.SHELL, List.of(), "/bin/sh", files, removed, "");
  }

  @Test
  void theHostsSecretsAndIdentityStayOutOfEtc() throws Exception {
    Path host = host();
    HostRoot.Prepared root = new HostRoot(host).prepare(dir.resolve("layers"), "web",
        entry(Map.of("/etc/nginx/conf.d/default.conf", "server { listen 80; }\n"), List.of("/etc/nginx/sites-enabled/default")));
    Path etc = root.layer().resolve("etc");

    assertThat(etc.resolve("shadow")).doesNotExist();
    assertThat(etc.resolve("machine-id")).doesNotExist();
    assertThat(etc.resolve("hostname")).as("the pod's own is mounted there").doesNotExist();
    assertThat(etc.resolve("ssh")).doesNotExist();
    assertThat(etc.resolve("ssl/private")).as("a directory others cannot enter").doesNotExist();
    assertThat(etc.resolve("ssl/leaked.pem")).as("a private key, readable or not").doesNotExist();
    assertThat(etc.resolve("mysql/debian.cnf")).as("readable by its owner only").doesNotExist();
    assertThat(etc.resolve("ssl/certs/ca.pem")).exists();
    assertThat(Files.readSymbolicLink(etc.resolve("mysql/mariadb.cnf"))).isEqualTo(Path.of("my.cnf"));
    assertThat(Files.readString(etc.resolve("passwd"))).contains("root:x:0:", "postgres:x:105:", "nobody:x:65534:").doesNotContain("alice");
    assertThat(Files.readString(etc.resolve("group"))).contains("sudo:x:27:\n", "ssl-cert:x:110:postgres\n").doesNotContain("alice");
    assertThat(Files.readString(etc.resolve("nginx/conf.d/default.conf"))).contains("listen 80");
    assertThat(etc.resolve("nginx/sites-enabled/default")).as("the entry leaves it out").doesNotExist();
  }

  @Test
  void everythingButUsrIsTheLayersOwnAndEmpty() throws Exception {
    Path host = host();
    Files.writeString(Files.createDirectories(host.resolve("srv")).resolve("marker"), "host's");
    HostRoot.Prepared root = new HostRoot(host).prepare(dir.resolve("layers"), "debian", entry(Map.of(), List.of()));
    Path layer = root.layer();

    assertThat(Files.readSymbolicLink(layer.resolve("bin"))).isEqualTo(Path.of("usr/bin"));
    for (String empty : List.of("srv", "opt", "home", "root", "tmp", "mnt", "media", "var/lib", "usr")) {
      try (var listing = Files.list(layer.resolve(empty))) {
        assertThat(listing).as(empty).isEmpty();
      }
    }
    assertThat(Files.getAttribute(layer.resolve("tmp"), "unix:mode")).isEqualTo(041777);
    assertThat(Files.readSymbolicLink(layer.resolve("var/run"))).isEqualTo(Path.of("/run"));
    assertThat(root.hostMounts()).containsExactly(new OciSpec.Mount(host.resolve("usr"), "/usr", true),
        new OciSpec.Mount(host.resolve("sbin"), "/sbin", true));
    assertThat(root.tmpfs()).containsExactly("/usr/local");
  }

  @Test
  void theLayerIsWrittenOnceAndAgainWhenTheHostsEtcChanges() throws Exception {
    Path host = host();
    HostRoot roots = new HostRoot(host);
    HostImages.Entry e = entry(Map.of(), List.of());
    Path first = roots.prepare(dir.resolve("layers"), "debian", e).layer();
    assertThat(roots.prepare(dir.resolve("layers"), "debian", e).layer()).isEqualTo(first);
    Files.writeString(host.resolve("etc/added.conf"), "x\n");
    Path second = roots.prepare(dir.resolve("layers"), "debian", e).layer();
    assertThat(second).isNotEqualTo(first);
    assertThat(second.resolve("etc/added.conf")).exists();
    try (var listing = Files.list(dir.resolve("layers"))) {
      assertThat(listing.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".partial"));
    }
  }

  @Test
  void containersPreparingTheSameRootAtOnceAllGetIt() throws Exception {
    Path host = host();
    HostRoot roots = new HostRoot(host);
    HostImages.Entry e = entry(Map.of(), List.of());
    // the replicas of a new Deployment start together; the losers of the rename saw ENOTEMPTY
    List<java.util.concurrent.Callable<Path>> preparing = java.util.Collections.nCopies(8,
        () -> roots.prepare(dir.resolve("layers"), "debian", e).layer());
    try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
      List<Path> layers = new java.util.ArrayList<>();
      for (var f : pool.invokeAll(preparing)) {
        layers.add(f.get());
      }
      assertThat(layers).hasSize(8).containsOnly(layers.getFirst());
    }
  }

  @Test
  void busyboxIsTheOfficialImagesRootWithEveryAppletInBin() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs the busybox package");
    HostImages.Entry busybox = HostImages.lookup("busybox:1.36").orElseThrow();
    HostRoot.Prepared root = new HostRoot(Path.of("/")).prepare(dir.resolve("layers"), "busybox", busybox);
    Path bin = root.layer().resolve("bin");
    for (String applet : List.of("sh", "wget", "nslookup", "httpd", "nc", "sleep", "ls")) {
      assertThat(Files.isSameFile(bin.resolve(applet), bin.resolve("busybox"))).as(applet).isTrue();
    }
    assertThat(root.layer().resolve("lib64/ld-linux-x86-64.so.2")).exists();
    assertThat(root.hostMounts()).as("nothing of the host's").isEmpty();
    assertThat(Files.readString(root.layer().resolve("etc/passwd"))).startsWith("root:x:0:0:root:/root:/bin/sh\n");
    assertThat(busybox.config().env().get("PATH")).isEqualTo(ImageConfig.PATH);
  }
}
