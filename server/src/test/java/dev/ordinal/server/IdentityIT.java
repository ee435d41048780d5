package dev.ordinal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.pki.Certificates;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.AlgorithmParameters;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServiceAccounts, their tokens, the TokenRequest API and the certificates, on the wired control plane over HTTPS. */
class IdentityIT {
  @TempDir static Path dir;
  static ControlPlane plane;
  static KubernetesClient client;
  static HttpClient http;
  static X509Certificate ca;

  @BeforeAll
  static void start() throws Exception {
    plane = ControlPlane.start(DataDir.open(dir.resolve("data")), "127.0.0.1", 0, ControlPlane.Runtime.SIMULATED);
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(plane.dataDir().kubeconfig()))).build();
    ca = Certificates.parseCertificate(Files.readString(plane.dataDir().root().resolve("tls/ca.crt")));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    http = HttpClient.newBuilder().sslContext(ssl).build(); // trusts the cluster CA alone
  }

  @AfterAll
  static void stop() {
    client.close();
    http.close();
    plane.close();
  }

  static HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(plane.serverUrl() + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String whoami(String token) throws Exception {
    HttpResponse<String> r = call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", token,
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"SelfSubjectReview\"}");
    return r.statusCode() == 201 ? Json.MAPPER.readTree(r.body()).at("/status/userInfo/username").asText() : "HTTP " + r.statusCode();
  }

  static void namespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  @Test
  void everyNamespaceKeepsItsDefaultServiceAccountAndRootCa() throws Exception {
    namespace("id-ns");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceAccounts().inNamespace("id-ns").withName("default").get() != null
        && client.configMaps().inNamespace("id-ns").withName("kube-root-ca.crt").get() != null);
    ConfigMap cm = client.configMaps().inNamespace("id-ns").withName("kube-root-ca.crt").get();
    assertThat(Certificates.parseCertificate(cm.getData().get("ca.crt"))).isEqualTo(ca);
    assertThat(client.serviceAccounts().inNamespace("kube-system").withName("default").get()).isNotNull();

    cm.getData().put("ca.crt", "tampered");
    client.configMaps().resource(cm).update();
    await().atMost(Duration.ofSeconds(10)).until(() ->
        client.configMaps().inNamespace("id-ns").withName("kube-root-ca.crt").get().getData().get("ca.crt").contains("BEGIN CERTIFICATE"));
    client.configMaps().inNamespace("id-ns").withName("kube-root-ca.crt").delete();
    client.serviceAccounts().inNamespace("id-ns").withName("default").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceAccounts().inNamespace("id-ns").withName("default").get() != null
        && client.configMaps().inNamespace("id-ns").withName("kube-root-ca.crt").get() != null);
    client.namespaces().withName("id-ns").delete();
  }

  @Test
  void podsGetTheirServiceAccountAndTheTokenVolume() {
    namespace("id-pods");
    Pod pod = client.pods().inNamespace("id-pods").resource(new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
    assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("default");
    assertThat(pod.getSpec().getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getName()).matches("kube-api-access-[a-z0-9]{5}");
      assertThat(v.getProjected().getSources().get(0).getServiceAccountToken().getExpirationSeconds()).isEqualTo(3607L);
    });
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts()).singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount"));
    try {
      client.pods().inNamespace("id-pods").resource(new PodBuilder().withNewMetadata().withName("q").endMetadata()
          .withNewSpec().withServiceAccountName("ghost").addNewContainer().withName("c").withImage("busybox").endContainer()
          .endSpec().build()).create();
      throw new AssertionError("created a pod of a missing ServiceAccount");
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).isEqualTo(403);
      assertThat(e.getStatus().getMessage()).isEqualTo(
          "pods \"q\" is forbidden: error looking up service account id-pods/ghost: serviceaccount \"ghost\" not found");
    }
    client.namespaces().withName("id-pods").delete();
  }

  @Test
  void aPodBoundTokenWorksUntilThePodIsDeleted() throws Exception {
    namespace("id-token");
    Pod pod = client.pods().inNamespace("id-token").resource(new PodBuilder().withNewMetadata().withName("p").endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec().build()).create();
    TokenRequest answer = client.serviceAccounts().inNamespace("id-token").withName("default").tokenRequest(new TokenRequestBuilder()
        .withNewSpec().withExpirationSeconds(600L).withNewBoundObjectRef().withKind("Pod").withApiVersion("v1").withName("p")
        .withUid(pod.getMetadata().getUid()).endBoundObjectRef().endSpec().build());
    String token = answer.getStatus().getToken();
    assertThat(whoami(token)).isEqualTo("system:serviceaccount:id-token:default");
    // authenticated, but RBAC gives the default ServiceAccount nothing: 403 with upstream's message
    HttpResponse<String> forbidden = call("GET", "/api/v1/namespaces/id-token/pods", token, null);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    assertThat(Json.MAPPER.readTree(forbidden.body()).path("message").asText()).isEqualTo("pods is forbidden: User"
        + " \"system:serviceaccount:id-token:default\" cannot list resource \"pods\" in API group \"\" in the namespace \"id-token\"");
    client.pods().inNamespace("id-token").withName("p").withGracePeriod(0).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.pods().inNamespace("id-token").withName("p").get() == null);
    assertThat(call("GET", "/api/v1/namespaces/id-token/pods", token, null).statusCode()).isEqualTo(401);
    client.namespaces().withName("id-token").delete();
  }

  @Test
  void tokenRequestsAreCheckedAsUpstream() throws Exception {
    HttpResponse<String> tooShort = call("POST", "/api/v1/namespaces/default/serviceaccounts/default/token", plane.token(),
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenRequest\",\"spec\":{\"expirationSeconds\":60}}");
    assertThat(tooShort.statusCode()).isEqualTo(422);
    assertThat(tooShort.body()).contains("may not specify a duration less than 10 minutes");
    assertThat(call("POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token", plane.token(), "{\"spec\":{}}").statusCode())
        .isEqualTo(404);
    HttpResponse<String> other = call("POST", "/api/v1/namespaces/default/serviceaccounts/default/token", plane.token(),
        "{\"spec\":{\"audiences\":[\"vault\"]}}");
    assertThat(other.statusCode()).isEqualTo(201);
    String vaultToken = Json.MAPPER.readTree(other.body()).at("/status/token").asText();
    assertThat(whoami(vaultToken)).isEqualTo("HTTP 401"); // meant for someone else
    assertThat(whoami(plane.token())).isEqualTo("admin");
    assertThat(whoami("not-a-token")).isEqualTo("HTTP 401");
  }

  @Test
  void legacyTokenSecretsAreFilledAndTheirTokensDieWithThem() throws Exception {
    namespace("id-legacy");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.serviceAccounts().inNamespace("id-legacy").withName("default").get() != null);
    client.secrets().inNamespace("id-legacy").resource(new io.fabric8.kubernetes.api.model.SecretBuilder().withNewMetadata()
        .withName("legacy").addToAnnotations("kubernetes.io/service-account.name", "default").endMetadata()
        .withType("kubernetes.io/service-account-token").build()).create();
    var secret = client.secrets().inNamespace("id-legacy").withName("legacy").get();
    assertThat(secret.getMetadata().getAnnotations()).containsEntry("kubernetes.io/service-account.uid",
        client.serviceAccounts().inNamespace("id-legacy").withName("default").get().getMetadata().getUid());
    assertThat(new String(Base64.getDecoder().decode(secret.getData().get("namespace")), StandardCharsets.UTF_8)).isEqualTo("id-legacy");
    assertThat(Certificates.parseCertificate(new String(Base64.getDecoder().decode(secret.getData().get("ca.crt")), StandardCharsets.UTF_8)))
        .isEqualTo(ca);
    String token = new String(Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    assertThat(whoami(token)).isEqualTo("system:serviceaccount:id-legacy:default");
    client.secrets().inNamespace("id-legacy").withName("legacy").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.secrets().inNamespace("id-legacy").withName("legacy").get() == null);
    assertThat(whoami(token)).isEqualTo("HTTP 401");
    HttpResponse<String> unnamed = call("POST", "/api/v1/namespaces/id-legacy/secrets", plane.token(),
        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"x\"},\"type\":\"kubernetes.io/service-account-token\"}");
    assertThat(unnamed.statusCode()).isEqualTo(422);
    assertThat(unnamed.body()).contains("kubernetes.io/service-account.name");
    client.namespaces().withName("id-legacy").delete();
  }

  @Test
  void tokenReviewsSayWhoseATokenIsForTheAudiencesGiven() throws Exception {
    String vaultToken = Json.MAPPER.readTree(call("POST", "/api/v1/namespaces/default/serviceaccounts/default/token", plane.token(),
        "{\"spec\":{\"audiences\":[\"vault\"]}}").body()).at("/status/token").asText();
    JsonNode forVault = Json.MAPPER.readTree(call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", plane.token(),
        "{\"apiVersion\":\"authentication.k8s.io/v1\",\"kind\":\"TokenReview\",\"spec\":{\"token\":\"" + vaultToken
            + "\",\"audiences\":[\"vault\"]}}").body());
    assertThat(forVault.at("/status/authenticated").asBoolean()).isTrue();
    assertThat(forVault.at("/status/user/username").asText()).isEqualTo("system:serviceaccount:default:default");
    assertThat(forVault.at("/status/audiences/0").asText()).isEqualTo("vault");
    JsonNode forApi = Json.MAPPER.readTree(call("POST", "/apis/authentication.k8s.io/v1/tokenreviews", plane.token(),
        "{\"spec\":{\"token\":\"" + vaultToken + "\"}}").body());
    assertThat(forApi.at("/status/authenticated").asBoolean()).isFalse();
    assertThat(forApi.at("/status/error").asText()).contains("invalid bearer token");
  }

  @Test
  void othersCanVerifyTokensWithTheOidcDocumentsServedToAnyone() throws Exception {
    JsonNode config = Json.MAPPER.readTree(call("GET", "/.well-known/openid-configuration", null, null).body());
    assertThat(config.path("issuer").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
    HttpResponse<String> jwksResponse = call("GET", "/openid/v1/jwks", null, null);
    assertThat(jwksResponse.statusCode()).isEqualTo(200);
    JsonNode key = Json.MAPPER.readTree(jwksResponse.body()).at("/keys/0");
    String token = client.serviceAccounts().inNamespace("default").withName("default")
        .tokenRequest(new TokenRequestBuilder().withNewSpec().endSpec().build()).getStatus().getToken();
    String[] parts = token.split("\\.");
    assertThat(Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0])).path("kid").asText()).isEqualTo(key.path("kid").asText());
    // a verifier that knows only the JWK: the point on P-256, ES256 (r||s)
    AlgorithmParameters p256 = AlgorithmParameters.getInstance("EC");
    p256.init(new ECGenParameterSpec("secp256r1"));
    ECPoint point = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(key.path("x").asText())),
        new BigInteger(1, Base64.getUrlDecoder().decode(key.path("y").asText())));
    Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
    es256.initVerify(KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, p256.getParameterSpec(ECParameterSpec.class))));
    es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertThat(es256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
    assertThat(call("GET", "/api/v1/pods", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void theServingCertificateIsSignedByTheCaAndNamesTheKubernetesService() throws Exception {
    X509Certificate serving = Certificates.parseCertificate(Files.readString(plane.dataDir().root().resolve("tls/serving.crt")));
    serving.verify(ca.getPublicKey());
    assertThat(serving.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString()).contains("kubernetes", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "10.96.0.1", "127.0.0.1");
    for (String f : List.of("tls/ca.key", "tls/serving.key", "tls/serving.crt", "sa.key")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(plane.dataDir().root().resolve(f)))).as(f).isEqualTo("rw-------");
    }
    assertThat(Files.readString(plane.dataDir().kubeconfig()))
        .contains(Base64.getEncoder().encodeToString(Certificates.pem(ca).getBytes(StandardCharsets.UTF_8)));
  }

  /** The components' own writes are audited as kube-controller-manager's are: their user, the HTTP shape, RBAC's reason. */
  @Test
  void componentWritesAreAuditedWithTheirIdentityAndDecision() throws Exception {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("audited-ns").endMetadata().build()).create();
    JsonNode event = await().atMost(Duration.ofSeconds(20)).until(() -> Files.readAllLines(plane.dataDir().auditLog()).stream()
        .map(l -> (JsonNode) Json.parseObject(l.getBytes(StandardCharsets.UTF_8)))
        .filter(e -> e.path("objectRef").path("namespace").asText().equals("audited-ns")
            && e.path("objectRef").path("resource").asText().equals("serviceaccounts"))
        .findFirst().orElse(null), e -> e != null);
    assertThat(event.path("verb").asText()).isEqualTo("create");
    assertThat(event.path("requestURI").asText()).isEqualTo("/api/v1/namespaces/audited-ns/serviceaccounts");
    assertThat(event.path("objectRef").path("name").asText()).isEqualTo("default");
    assertThat(event.path("user").path("username").asText()).isEqualTo("system:serviceaccount:kube-system:service-account-controller");
    assertThat(event.path("userAgent").asText()).isEqualTo("ordinal (in-process)");
    assertThat(event.path("responseStatus").path("code").asInt()).isEqualTo(201);
    assertThat(event.path("annotations").path("authorization.k8s.io/decision").asText()).isEqualTo("allow");
    assertThat(event.path("annotations").path("authorization.k8s.io/reason").asText())
        .isEqualTo("RBAC: allowed by ClusterRoleBinding \"system:controller:service-account-controller\" of ClusterRole "
            + "\"system:controller:service-account-controller\" to ServiceAccount \"service-account-controller/kube-system\"");
  }
}
