package dev.ordinal.node.images;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real registry on loopback, for tests and {@code bench/run.sh pull} (as {@code LocalEtcd} is
 * for etcd): Debian's {@code docker-registry} (CNCF Distribution) on 127.0.0.1 at a free port,
 * with TLS (a self-signed certificate for 127.0.0.1 made by openssl, which is also the CA file
 * clients trust) and, when a user is given, htpasswd auth with a bcrypt hash. Images are built as
 * OCI layouts with umoci, one layer per step, and pushed with skopeo. Everything lives in the
 * directory given and the process is killed on close. Not used by Ordinal itself.
 */
public final class LocalRegistry implements AutoCloseable {
  /** What one layer adds to the root filesystem (a directory) it is given. */
  public interface Layer {
    void write(Path rootfs) throws IOException;

    /** A layer that adds one file with some text. */
    static Layer file(String path, String text) {
      return rootfs -> {
        Path f = rootfs.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
      };
    }

    /** A layer that copies a directory's content into the root ({@code cp -a}). */
    static Layer copyOf(Path dir) {
      return rootfs -> {
        try {
          run(List.of("cp", "-a", dir + "/.", rootfs.toString()));
        } catch (Exception e) {
          throw new IOException(e.getMessage(), e);
        }
      };
    }

    /** A layer of one file of {@code bytes} random (incompressible) bytes. */
    static Layer random(String path, long bytes, long seed) {
      return rootfs -> {
        java.util.Random r = new java.util.Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (var out = Files.newOutputStream(rootfs.resolve(path))) {
          for (long left = bytes; left > 0; left -= chunk.length) {
            r.nextBytes(chunk);
            out.write(chunk, 0, (int) Math.min(chunk.length, left));
          }
        }
      };
    }
  }

  public final Path dir;
  public final int port;
  /** The registry's certificate, which is its own CA: what clients trust. */
  public final Path cert;
  private final Process process;

  /** Starts a registry in {@code dir}; with {@code user} non-null it asks for that user and password. */
  public LocalRegistry(Path dir, String user, String password) throws Exception {
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
          process.destroyForcibly();
          throw new IOException("docker-registry did not start: " + Files.readString(dir.resolve("registry.log")));
        }
        Thread.sleep(50);
      }
    }
  }

  /** {@code 127.0.0.1:PORT}. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  /**
   * Builds an OCI layout image with umoci: one layer per entry of {@code layers} (each a file
   * {@code /layerN} holding that text), pushed as {@code repoTag} with skopeo. Equal leading
   * layers of two images are the same blobs.
   */
  public void push(String repoTag, String creds, String... layers) throws Exception {
    List<Layer> ls = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      ls.add(Layer.file("layer" + i, layers[i]));
      ids.add(layers[i]);
    }
    push(repoTag, creds, List.of("sh"), ls, ids);
  }

  /**
   * Builds an image of the given layers with {@code cmd} as its CMD and pushes it as
   * {@code repoTag} ({@code creds} {@code user:password}, or null). {@code layerIds} name the
   * layers: images built here whose leading ids are equal share those layers' blobs.
   */
  public void push(String repoTag, String creds, List<String> cmd, List<Layer> layers, List<String> layerIds) throws Exception {
    Path layout = ociLayout(cmd, layers, layerIds);
    copy("oci:" + layout + ":" + tagOf(cmd, layerIds), "docker://" + host() + "/" + repoTag, creds);
  }

  /** Builds (once) the OCI layout of such an image and returns its directory; the tag is {@link #tagOf}. */
  public Path ociLayout(List<String> cmd, List<Layer> layers, List<String> layerIds) throws Exception {
    Path layout = dir.resolve("layout");
    if (!Files.exists(layout)) {
      run(List.of("umoci", "init", "--layout", layout.toString()));
      run(List.of("umoci", "new", "--image", layout + ":empty"));
    }
    String from = "empty";
    for (int i = 0; i < layers.size(); i++) {
      String tag = "l" + Integer.toHexString(String.join("|", layerIds.subList(0, i + 1)).hashCode());
      if (!Files.exists(layout.resolve("tags-" + tag))) {
        Path bundle = dir.resolve("bundle");
        Unpacker.deleteTree(bundle);
        run(List.of("umoci", "config", "--image", layout + ":" + from, "--tag", tag));
        run(List.of("umoci", "unpack", "--image", layout + ":" + tag, bundle.toString()));
        layers.get(i).write(bundle.resolve("rootfs"));
        run(List.of("umoci", "repack", "--image", layout + ":" + tag, bundle.toString()));
        Unpacker.deleteTree(bundle);
        Files.createFile(layout.resolve("tags-" + tag));
      }
      from = tag;
    }
    String tag = tagOf(cmd, layerIds);
    List<String> config = new ArrayList<>(List.of("umoci", "config", "--image", layout + ":" + from, "--tag", tag, "--clear=config.cmd"));
    for (String c : cmd) {
      config.addAll(List.of("--config.cmd", c));
    }
    run(config);
    return layout;
  }

  /** The layout's tag of an image built by {@link #ociLayout}. */
  public static String tagOf(List<String> cmd, List<String> layerIds) {
    return "i" + Integer.toHexString((String.join("|", layerIds) + "#" + String.join(" ", cmd)).hashCode());
  }

  /**
   * Pushes an index written by {@link MultiPlatformLayout} (its tag {@code tag} in {@code layout})
   * as {@code repoTag}, every image of it ({@code skopeo copy --all}, digests kept).
   */
  public void pushIndex(Path layout, String tag, String repoTag, String creds) throws Exception {
    copy("oci:" + layout + ":" + tag, "docker://" + host() + "/" + repoTag, creds, "--all", "--preserve-digests");
  }

  /** The manifest (or index) the registry holds for {@code repoTag}, as it sends it. */
  public String rawManifest(String repoTag, String creds) throws Exception {
    List<String> inspect = new ArrayList<>(List.of("skopeo", "inspect", "--raw", "--cert-dir", cert.getParent().toString()));
    if (creds != null) {
      inspect.addAll(List.of("--creds", creds));
    }
    inspect.add("docker://" + host() + "/" + repoTag);
    return run(inspect);
  }

  /** Where the registry keeps a blob's bytes (the filesystem storage driver's layout): a test tampers with it there. */
  public Path blobData(String digest) {
    String hex = dev.ordinal.node.images.registry.Digests.hex(digest);
    return dir.resolve("data/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex).resolve("data");
  }

  /** {@code skopeo copy} trusting this registry's certificate, with {@code creds} for it (or null) and {@code options}. */
  public void copy(String from, String to, String creds, String... options) throws Exception {
    List<String> copy = new ArrayList<>(List.of("skopeo", "copy", "-q", "--dest-cert-dir", cert.getParent().toString(),
        "--src-cert-dir", cert.getParent().toString()));
    copy.addAll(List.of(options));
    if (creds != null) {
      copy.addAll(List.of(to.startsWith("docker://") ? "--dest-creds" : "--src-creds", creds));
    }
    copy.addAll(List.of(from, to));
    run(copy);
  }

  /** The manifest digest the registry holds for {@code repoTag}, as skopeo reads it. */
  public String digest(String repoTag, String creds) throws Exception {
    List<String> inspect = new ArrayList<>(List.of("skopeo", "inspect", "--cert-dir", cert.getParent().toString(), "--format",
        "{{.Digest}}"));
    if (creds != null) {
      inspect.addAll(List.of("--creds", creds));
    }
    inspect.add("docker://" + host() + "/" + repoTag);
    return run(inspect).strip();
  }

  /** Runs a program, failing with its output unless it exits 0 within 2 min; returns its output. */
  public static String run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
