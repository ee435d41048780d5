package dev.ordinal.node.images;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry for tests: Debian's {@code docker-registry} (CNCF Distribution) on 127.0.0.1 at
 * a free port, with TLS (a self-signed certificate for 127.0.0.1 made by openssl, which is also
 * the CA file clients trust) and, when a user is given, htpasswd auth with a bcrypt hash. Images
 * are built with umoci and pushed with skopeo. Everything lives in the directory given and the
 * process is killed on close.
 */
final class TestRegistry implements AutoCloseable {
  final Path dir;
  final int port;
  final Path cert;
  private final Process process;

  TestRegistry(Path dir, String user, String password) throws Exception {
    this.dir = Files.createDirectories(dir);
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    cert = dir.resolve("certs/ca.crt");
    Files.createDirectories(cert.getParent());
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj",
        "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(), "-out", cert.toString()));
    String auth = "";
    if (user != null) {
      String hash = run(List.of("python3", "-W", "ignore", "-c", "import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))",
          password)).strip();
      Files.writeString(dir.resolve("htpasswd"), user + ":" + hash + "\n");
      auth = "auth:\n  htpasswd:\n    realm: test\n    path: " + dir.resolve("htpasswd") + "\n";
    }
    Files.writeString(dir.resolve("config.yml"), """
        version: 0.1
        log: {level: warn}
        storage:
          filesystem: {rootdirectory: %s}
          delete: {enabled: true}
        http:
          addr: 127.0.0.1:%d
          tls: {certificate: %s, key: %s}
        %s""".formatted(dir.resolve("data"), port, cert, dir.resolve("key.pem"), auth));
    process = new ProcessBuilder("/usr/bin/docker-registry", "serve", dir.resolve("config.yml").toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IOException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * Builds an OCI layout image with umoci: one layer per entry of {@code layers} (each a file
   * {@code /layerN} holding that text), pushed as {@code repoTag} with skopeo.
   */
  void push(String repoTag, String creds, String... layers) throws Exception {
    Path layout = dir.resolve("layout");
    if (!Files.exists(layout)) {
      run(List.of("umoci", "init", "--layout", layout.toString()));
      run(List.of("umoci", "new", "--image", layout + ":empty"));
    }
    // each image is a tag made from the one before it, so that equal leading layers are the same blobs
    String from = "empty";
    for (int i = 0; i < layers.length; i++) {
      String tag = "l" + Integer.toHexString(String.join("|", java.util.Arrays.asList(layers).subList(0, i + 1)).hashCode());
      if (!Files.exists(layout.resolve("tags-" + tag))) {
        Path bundle = dir.resolve("bundle");
        Unpacker.deleteTree(bundle);
        run(List.of("umoci", "config", "--image", layout + ":" + from, "--tag", tag, "--config.cmd", "sh"));
        run(List.of("umoci", "unpack", "--image", layout + ":" + tag, bundle.toString()));
        Files.writeString(bundle.resolve("rootfs/layer" + i), layers[i]);
        run(List.of("umoci", "repack", "--image", layout + ":" + tag, bundle.toString()));
        Unpacker.deleteTree(bundle);
        Files.createFile(layout.resolve("tags-" + tag));
      }
      from = tag;
    }
    List<String> copy = new java.util.ArrayList<>(List.of("skopeo", "copy", "--dest-cert-dir", cert.getParent().toString()));
    if (creds != null) {
      copy.addAll(List.of("--dest-creds", creds));
    }
    copy.addAll(List.of("oci:" + layout + ":" + from, "docker://" + host() + "/" + repoTag));
    run(copy);
  }

  static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
