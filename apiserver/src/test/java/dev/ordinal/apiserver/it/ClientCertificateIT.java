package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.ApiServer;
import dev.ordinal.apiserver.audit.AuditLog;
import dev.ordinal.apiserver.pki.Certificates;
import dev.ordinal.storage.SqliteStorage;
import dev.ordinal.storage.Storage;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users by client certificate over real TLS: the API server serves with a certificate of its CA
 * and asks clients for theirs; the JDK's HttpClient presents one. A certificate of the CA names
 * its CN and O groups in SelfSubjectReview and in the audit log; one of another CA is a 401 (not a
 * failed handshake) and does not stop a valid bearer token on the same request.
 */
class ClientCertificateIT {
  private static final String TOKEN = "cert-it-token";
  private static final KeyPair CA_KEY = Certificates.newKeyPair();
  private static final X509Certificate CA = Certificates.selfSignedCa("ordinal-ca", CA_KEY, Duration.ofDays(30));

  @TempDir static Path dir;
  static Storage storage;
  static ApiServer server;
  static AuditLog audit;

  @BeforeAll
  static void start() throws Exception {
    KeyPair serving = Certificates.newKeyPair();
    X509Certificate cert = Certificates.issue(CA, CA_KEY.getPrivate(), "kube-apiserver", List.of(), serving.getPublic(),
        List.of("localhost"), List.of("127.0.0.1"), Certificates.Usage.SERVER, Duration.ofDays(1));
    storage = SqliteStorage.open(dir.resolve("state.db"));
    server = new ApiServer(storage, ResourceCatalog.standard(), "127.0.0.1", 0, TOKEN, new ApiServer.Tls(serving.getPrivate(), List.of(cert, CA), CA));
    audit = new AuditLog(dir.resolve("audit/audit.log"), 0, 5);
    server.auditTo(audit);
    server.start();
    // RBAC for the certificates' users, by the groups their certificates name (the admin token may do anything)
    HttpClient admin = client(null);
    for (String[] role : new String[][] {
        {"whoami", "authentication.k8s.io", "selfsubjectreviews", "create", "system:authenticated"},
        {"namespace-reader", "", "namespaces", "get\",\"list", "readers"},
        {"operator", "", "namespaces\",\"pods\",\"pods/exec", "*", "ops"}}) {
      assertThat(send(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", TOKEN, """
          {"metadata":{"name":"%s"},"rules":[{"apiGroups":["%s"],"resources":["%s"],"verbs":["%s"]}]}"""
          .formatted(role[0], role[1], role[2], role[3])).statusCode()).isEqualTo(201);
      assertThat(send(admin, "POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", TOKEN, """
          {"metadata":{"name":"%s"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"%s"},
           "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"Group","name":"%s"}]}"""
          .formatted(role[0], role[0], role[4])).statusCode()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
    storage.close();
  }

  /** A client trusting the CA and presenting {@code chain} (null: no certificate), whatever CAs the server names. */
  private static HttpClient client(PrivateKey key, X509Certificate... chain) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", CA);
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(key == null ? null : new KeyManager[] {new FixedKeyManager(key, chain)}, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).build();
  }

  private static HttpResponse<String> send(HttpClient http, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port() + path))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode whoami(HttpClient http, String token) throws Exception {
    HttpResponse<String> r = send(http, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", token,
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return Json.MAPPER.readTree(r.body()).path("status").path("userInfo");
  }

  private static X509Certificate clientCertificate(X509Certificate ca, PrivateKey caKey, KeyPair key, String cn,
      List<String> groups) {
    return Certificates.issue(ca, caKey, cn, groups, key.getPublic(), List.of(), List.of(), Certificates.Usage.CLIENT,
        Duration.ofHours(1));
  }

  @Test
  void aCertificateOfTheClusterCaNamesItsUserAndGroups() throws Exception {
    KeyPair key = Certificates.newKeyPair();
    HttpClient alice = client(key.getPrivate(), clientCertificate(CA, CA_KEY.getPrivate(), key, "alice", List.of("readers", "dev")));
    JsonNode user = whoami(alice, null);
    assertThat(user.path("username").asText()).isEqualTo("alice");
    assertThat(user.path("groups").toString()).isEqualTo("[\"readers\",\"dev\",\"system:authenticated\"]");
    assertThat(user.path("extra").path("authentication.kubernetes.io/credential-id").get(0).asText()).startsWith("X509SHA256=");
    // RBAC sees the certificate's groups: readers may list namespaces, not create them
    await().atMost(Duration.ofSeconds(5)).until(() -> send(alice, "GET", "/api/v1/namespaces", null, null).statusCode() == 200);
    assertThat(send(alice, "POST", "/api/v1/namespaces", null, "{\"metadata\":{\"name\":\"alices\"}}").statusCode()).isEqualTo(403);
    // the certificate comes first, as upstream's union of authenticators
    assertThat(whoami(alice, TOKEN).path("username").asText()).isEqualTo("alice");
  }

  @Test
  void aCertificateOfAnotherCaIsUnauthorizedButATokenStillCounts() throws Exception {
    KeyPair otherCaKey = Certificates.newKeyPair();
    // same subject as the cluster CA: only the signature tells them apart
    X509Certificate otherCa = Certificates.selfSignedCa("ordinal-ca", otherCaKey, Duration.ofDays(1));
    KeyPair key = Certificates.newKeyPair();
    HttpClient mallory = client(key.getPrivate(),
        clientCertificate(otherCa, otherCaKey.getPrivate(), key, "mallory", List.of("system:masters")), otherCa);
    HttpResponse<String> refused = send(mallory, "POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", null, "{}");
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(Json.MAPPER.readTree(refused.body()).path("reason").asText()).isEqualTo("Unauthorized");
    assertThat(send(mallory, "GET", "/api/v1/namespaces", null, null).statusCode()).isEqualTo(401);
    // the certificate reached the server (the handshake took it) and was refused there
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(Files.readAllLines(audit.file())).anySatisfy(l -> assertThat(l)
        .contains("\"requestURI\":\"/api/v1/namespaces\"", "\"user\":{}", "Authentication failed, attempted: x509", "\"code\":401")));
    assertThat(whoami(mallory, TOKEN).path("username").asText()).isEqualTo("admin");
  }

  @Test
  void withoutACertificateTheTokenDecides() throws Exception {
    HttpClient none = client(null);
    assertThat(send(none, "GET", "/api/v1/namespaces", null, null).statusCode()).isEqualTo(401);
    assertThat(whoami(none, TOKEN).path("username").asText()).isEqualTo("admin");
    assertThat(send(none, "GET", "/version", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void theAuditLogNamesTheCertificatesUser() throws Exception {
    KeyPair key = Certificates.newKeyPair();
    HttpClient carol = client(key.getPrivate(), clientCertificate(CA, CA_KEY.getPrivate(), key, "carol", List.of("ops")));
    assertThat(send(carol, "POST", "/api/v1/namespaces", null, "{\"metadata\":{\"name\":\"carols\"}}").statusCode()).isEqualTo(201);
    // the handler records the event just after the response leaves
    JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> Files.readAllLines(audit.file()).stream()
        .map(l -> Json.parseObject(l.getBytes())).filter(e -> e.path("objectRef").path("name").asText().equals("carols"))
        .findFirst(), java.util.Optional::isPresent).orElseThrow();
    // and a refusal by RBAC, with the requester as the certificate names her
    HttpClient erin = client(key.getPrivate(), clientCertificate(CA, CA_KEY.getPrivate(), key, "erin", List.of("readers")));
    assertThat(send(erin, "DELETE", "/api/v1/namespaces/carols", null, null).statusCode()).isEqualTo(403);
    JsonNode refused = await().atMost(Duration.ofSeconds(5)).until(() -> Files.readAllLines(audit.file()).stream()
        .map(l -> Json.parseObject(l.getBytes())).filter(e -> e.path("user").path("username").asText().equals("erin"))
        .findFirst(), java.util.Optional::isPresent).orElseThrow();
    assertThat(refused.path("verb").asText()).isEqualTo("delete");
    assertThat(refused.path("objectRef").path("name").asText()).isEqualTo("carols");
    assertThat(refused.path("responseStatus").path("code").asInt()).isEqualTo(403);
    assertThat(refused.path("responseStatus").path("reason").asText()).isEqualTo("Forbidden");
    assertThat(refused.path("responseStatus").path("message").asText())
        .isEqualTo("namespaces \"carols\" is forbidden: User \"erin\" cannot delete resource \"namespaces\" in API group \"\" "
            + "in the namespace \"carols\"");
    assertThat(line.path("verb").asText()).isEqualTo("create");
    assertThat(line.path("user").path("username").asText()).isEqualTo("carol");
    assertThat(line.path("user").path("groups").toString()).isEqualTo("[\"ops\",\"system:authenticated\"]");
    assertThat(line.path("responseStatus").path("code").asInt()).isEqualTo(201);
  }

  /** The status a WebSocket upgrade to exec is refused with: a 404 means the user passed authentication. */
  private static int execUpgradeStatus(HttpClient http) throws Exception {
    URI uri = URI.create("wss://127.0.0.1:" + server.port() + "/api/v1/namespaces/default/pods/nothing/exec?command=true");
    try {
      http.newWebSocketBuilder().subprotocols("v5.channel.k8s.io").buildAsync(uri, new java.net.http.WebSocket.Listener() {})
          .get(10, java.util.concurrent.TimeUnit.SECONDS).abort();
      return 101;
    } catch (java.util.concurrent.ExecutionException e) {
      return ((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  @Test
  void execUpgradesTakeTheCertificateToo() throws Exception {
    KeyPair key = Certificates.newKeyPair();
    assertThat(execUpgradeStatus(client(key.getPrivate(), clientCertificate(CA, CA_KEY.getPrivate(), key, "dave", List.of("ops")))))
        .isEqualTo(404);
    // without a group that may exec, the certificate authenticates but RBAC refuses
    assertThat(execUpgradeStatus(client(key.getPrivate(), clientCertificate(CA, CA_KEY.getPrivate(), key, "dave", List.of()))))
        .isEqualTo(403);
    KeyPair otherCaKey = Certificates.newKeyPair();
    X509Certificate otherCa = Certificates.selfSignedCa("ordinal-ca", otherCaKey, Duration.ofDays(1));
    assertThat(execUpgradeStatus(client(key.getPrivate(), clientCertificate(otherCa, otherCaKey.getPrivate(), key, "dave", List.of()))))
        .isEqualTo(401);
    assertThat(execUpgradeStatus(client(null))).isEqualTo(401);
  }

  /** Presents one chain whatever the server asks for (JSSE's own key managers leave out a certificate of an unnamed CA). */
  private static final class FixedKeyManager extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    FixedKeyManager(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return "client";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return key;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }
}
