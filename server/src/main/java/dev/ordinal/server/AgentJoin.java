package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.pki.Certificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * How an agent gets its credentials, k3s' way: it reads the token ({@code K10<ca hash>::<id>.<secret>}),
 * downloads {@code /cacerts} without checking the server (it has nothing to check it with yet),
 * refuses a CA whose SHA-256 is not the token's, and only then, over TLS verified against that CA,
 * sends the bootstrap token with its public key to be signed. The key never leaves the agent. What
 * it gets is kept in {@code <data-dir>/tls} (0600), so a restarted agent needs no token.
 */
final class AgentJoin {
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  /** What an agent authenticates and serves with: one key, a certificate per identity. */
  record Credentials(X509Certificate ca, PrivateKey key, X509Certificate node, X509Certificate proxy, X509Certificate dns,
      X509Certificate serving) {}

  /** A join token's parts. */
  record Token(String caHash, String bootstrap) {
    static Token parse(String text) {
      String t = text.trim();
      int sep = t.indexOf("::");
      if (!t.startsWith("K10") || sep < 0) {
        throw new IllegalArgumentException("not a secure join token (K10<ca hash>::<id>.<secret>): the short form cannot pin the CA");
      }
      String hash = t.substring(3, sep);
      String secret = t.substring(sep + 2);
      if (!hash.matches("[0-9a-f]{64}") || !secret.matches("[a-z0-9]{6}\\.[a-z0-9]{16}")) {
        throw new IllegalArgumentException("malformed join token");
      }
      return new Token(hash, secret);
    }
  }

  private AgentJoin() {}

  static boolean joined(Path tls) {
    for (String f : new String[] {"ca.crt", "agent.key", "node.crt", "proxy.crt", "dns.crt", "serving.crt"}) {
      if (!Files.exists(tls.resolve(f))) {
        return false;
      }
    }
    return true;
  }

  static Credentials load(Path tls) throws IOException, GeneralSecurityException {
    return new Credentials(cert(tls, "ca.crt"), Certificates.parsePrivateKey(Files.readString(tls.resolve("agent.key")), "EC"),
        cert(tls, "node.crt"), cert(tls, "proxy.crt"), cert(tls, "dns.crt"), cert(tls, "serving.crt"));
  }

  private static X509Certificate cert(Path tls, String name) throws IOException, GeneralSecurityException {
    return Certificates.parseCertificate(Files.readString(tls.resolve(name)));
  }

  /** Joins through the first of {@code servers} that can be reached. */
  static Credentials join(java.util.List<String> servers, Token token, String nodeName, String nodeIp, Path tls) throws Exception {
    IOException last = null;
    for (String server : servers) {
      try {
        return join(server, token, nodeName, nodeIp, tls);
      } catch (java.net.ConnectException | java.net.SocketTimeoutException e) {
        last = new IOException(server + ": " + e.getMessage(), e);
      }
    }
    throw last;
  }

  /** Joins through {@code server} with {@code token}; writes and returns the credentials. */
  static Credentials join(String server, Token token, String nodeName, String nodeIp, Path tls) throws Exception {
    String caPem = fetchCa(server);
    String hash = TokenCommand.caHash(caPem);
    if (!hash.equals(token.caHash())) {
      throw new GeneralSecurityException("the server's CA (sha256 " + hash + ") is not the one the join token names ("
          + token.caHash() + "): refusing to send it the token");
    }
    X509Certificate ca = Certificates.parseCertificate(caPem);
    KeyPair key = Certificates.newKeyPair();
    ObjectNode req = Json.object().put("nodeName", nodeName).put("nodeIP", nodeIp)
        .put("publicKey", Base64.getEncoder().encodeToString(key.getPublic().getEncoded()));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(TlsContexts.of(ca, null, null))
        .connectTimeout(TIMEOUT).build();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server + JoinEndpoint.CREDENTIALS_PATH)).timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token.bootstrap()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(req))).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("the server refused to join this node (HTTP " + r.statusCode() + "): "
          + Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8)).path("message").asText(r.body()));
    }
    ObjectNode answer = Json.parseObject(r.body().getBytes(StandardCharsets.UTF_8));
    Files.createDirectories(tls);
    DataDir.writePrivate(tls.resolve("agent.key"), Certificates.pem(key.getPrivate()));
    DataDir.writePrivate(tls.resolve("ca.crt"), caPem);
    for (String part : new String[] {"node", "proxy", "dns", "serving"}) {
      DataDir.writePrivate(tls.resolve(part + ".crt"), answer.path(part).asText());
    }
    return load(tls);
  }

  /** {@code GET /cacerts} trusting anything: what comes back is checked against the token's hash before any use. */
  static String fetchCa(String server) throws Exception {
    SSLContext blind = SSLContext.getInstance("TLS");
    blind.init(null, new TrustManager[] {new dev.ordinal.apiserver.pki.TrustAnything()}, null);
    // a plain socket: the JDK's HTTP client would check the host name, which means nothing here
    URI uri = URI.create(server);
    try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) blind.getSocketFactory().createSocket()) {
      socket.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 443 : uri.getPort()), (int) TIMEOUT.toMillis());
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      socket.getOutputStream().write(("GET " + JoinEndpoint.CA_PATH + " HTTP/1.1\r\nHost: " + uri.getHost()
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      int body = response.indexOf("\r\n\r\n");
      if (!response.startsWith("HTTP/1.1 200") || body < 0) {
        throw new IOException("GET " + server + JoinEndpoint.CA_PATH + " answered " + response.lines().findFirst().orElse("nothing"));
      }
      String pem = response.substring(body + 4);
      int begin = pem.indexOf("-----BEGIN");
      int end = pem.lastIndexOf("-----END CERTIFICATE-----");
      if (begin < 0 || end < 0) {
        throw new IOException("GET " + server + JoinEndpoint.CA_PATH + " sent no certificate");
      }
      return pem.substring(begin, end + "-----END CERTIFICATE-----".length()) + "\n";
    }
  }
}
