package dev.ordinal.storage.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.storage.WatchEvent;
import dev.ordinal.storage.WatchSink;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on an etcd that serves only TLS and asks for client certificates
 * ({@code --client-cert-auth}), as kube-apiserver's {@code --etcd-cafile/--etcd-certfile/--etcd-keyfile}
 * reach it; the certificates are made with openssl. etcd's JSON gateway dials etcd's own gRPC
 * server with the serving certificate, so that certificate carries clientAuth as well as serverAuth.
 */
class EtcdTlsIT {
  @TempDir Path dir;

  private void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }

  private void certificates() throws Exception {
    Files.writeString(dir.resolve("ext.cnf"), """
        [server]
        subjectAltName=IP:127.0.0.1,DNS:localhost
        extendedKeyUsage=serverAuth,clientAuth
        keyUsage=digitalSignature
        [client]
        extendedKeyUsage=clientAuth
        keyUsage=digitalSignature
        """);
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "ca.key",
        "-out", "ca.crt", "-subj", "/CN=etcd-ca", "-days", "1");
    for (String n : new String[] {"server", "client"}) {
      run("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", n + ".key", "-out",
          n + ".csr", "-subj", "/CN=" + n);
      run("openssl", "x509", "-req", "-in", n + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", n + ".crt",
          "-days", "1", "-extfile", "ext.cnf", "-extensions", n);
    }
    run("openssl", "pkcs8", "-topk8", "-nocrypt", "-in", "client.key", "-out", "client-pkcs8.key");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void clientCertificateAuthenticatedEtcdServesTheStore() throws Exception {
    Assumptions.assumeTrue(LocalEtcd.available(), "needs Debian's etcd-server (" + LocalEtcd.BINARY + ")");
    certificates();
    int client = freePort();
    int peer = freePort();
    String url = "https://127.0.0.1:" + client;
    Process etcd = new ProcessBuilder(LocalEtcd.BINARY.toString(), "--name", "tls", "--data-dir", dir.resolve("data").toString(),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", "http://127.0.0.1:" + peer, "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
        "--initial-cluster", "tls=http://127.0.0.1:" + peer, "--cert-file", "server.crt", "--key-file", "server.key",
        "--trusted-ca-file", "ca.crt", "--client-cert-auth", "--experimental-watch-progress-notify-interval", "5s")
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
    try {
      EtcdConfig config = new EtcdConfig(List.of(URI.create(url)), dir.resolve("ca.crt"), dir.resolve("client.crt"),
          dir.resolve("client-pkcs8.key"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      EtcdStorage storage = null;
      while (storage == null) {
        try {
          EtcdStorage s = EtcdStorage.open(config);
          s.currentRevision();
          storage = s;
        } catch (RuntimeException e) {
          if (System.nanoTime() > deadline || !etcd.isAlive()) {
            throw new IllegalStateException("etcd over TLS did not answer: " + Files.readString(dir.resolve("etcd.log")), e);
          }
          Thread.sleep(200);
        }
      }
      try (EtcdStorage s = storage) {
        List<WatchEvent> events = new CopyOnWriteArrayList<>();
        AutoCloseable watch = s.watch("/registry/", s.currentRevision(), new WatchSink() {
          @Override
          public void accept(WatchEvent e) {
            events.add(e);
          }

          @Override
          public void progress(long revision) {}
        });
        var created = s.create("/registry/configmaps/default/a", "v".getBytes(StandardCharsets.UTF_8));
        s.update("/registry/configmaps/default/a", "w".getBytes(StandardCharsets.UTF_8), created.modRevision());
        assertThat(new String(s.get("/registry/configmaps/default/a").orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("w");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events.size() < 2 && System.nanoTime() < until) {
          Thread.sleep(50);
        }
        assertThat(events).hasSize(2);
        watch.close();
      }
      // without a client certificate etcd refuses the connection
      EtcdConfig anonymous = new EtcdConfig(List.of(URI.create(url)), dir.resolve("ca.crt"), null, null);
      assertThatThrownBy(() -> {
        try (EtcdStorage s = EtcdStorage.open(anonymous)) {
          s.currentRevision();
        }
      }).isInstanceOf(RuntimeException.class);
    } finally {
      etcd.destroyForcibly();
      etcd.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
