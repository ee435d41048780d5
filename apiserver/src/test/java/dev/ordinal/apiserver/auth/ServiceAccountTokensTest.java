package dev.ordinal.apiserver.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceAccountTokensTest {
  private static final SigningKey KEY = SigningKey.ephemeral();
  private final Map<String, ObjectNode> objects = new HashMap<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final ServiceAccountTokens.Lookup lookup = new ServiceAccountTokens.Lookup() {
    @Override
    public Optional<ObjectNode> serviceAccount(String namespace, String name) {
      return Optional.ofNullable(objects.get("sa/" + namespace + "/" + name));
    }

    @Override
    public Optional<ObjectNode> pod(String namespace, String name) {
      return Optional.ofNullable(objects.get("pod/" + namespace + "/" + name));
    }

    @Override
    public Optional<ObjectNode> secret(String namespace, String name) {
      return Optional.ofNullable(objects.get("secret/" + namespace + "/" + name));
    }

    @Override
    public Optional<ObjectNode> node(String name) {
      return Optional.ofNullable(objects.get("node/" + name));
    }
  };
  private final ServiceAccountTokens tokens = new ServiceAccountTokens(KEY, lookup, clock);

  private ObjectNode put(String key, String kind, String ns, String name, String uid) {
    ObjectNode o = Json.object();
    o.put("kind", kind).putObject("metadata").put("name", name).put("namespace", ns).put("uid", uid);
    objects.put(key, o);
    return o;
  }

  private ObjectNode sa() {
    return put("sa/team/builder", "ServiceAccount", "team", "builder", "sa-uid");
  }

  private ObjectNode pod() {
    ObjectNode p = put("pod/team/web-0", "Pod", "team", "web-0", "pod-uid");
    p.putObject("spec").put("nodeName", "n1");
    put("node/n1", "Node", null, "n1", "node-uid");
    return p;
  }

  @Test
  void aPodBoundTokenAuthenticatesAsItsServiceAccount() {
    var issued = tokens.issue(sa(), tokens.apiAudiences(), 3607, pod());
    UserInfo user = tokens.authenticate(issued.token()).orElseThrow();
    assertThat(user.username()).isEqualTo("system:serviceaccount:team:builder");
    assertThat(user.uid()).isEqualTo("sa-uid");
    assertThat(user.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:team", "system:authenticated");
    assertThat(user.extra()).containsEntry("authentication.kubernetes.io/pod-name", List.of("web-0"))
        .containsEntry("authentication.kubernetes.io/pod-uid", List.of("pod-uid"))
        .containsEntry("authentication.kubernetes.io/node-name", List.of("n1"));
    assertThat(issued.expires()).isEqualTo(clock.instant().plusSeconds(3607));
  }

  @Test
  void theClaimsAreUpstreams() throws Exception {
    String token = tokens.issue(sa(), List.of("vault"), 600, pod()).token();
    ObjectNode claims = (ObjectNode) Json.MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    assertThat(claims.path("iss").asText()).isEqualTo("https://kubernetes.default.svc.cluster.local");
    assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:team:builder");
    assertThat(claims.path("aud").get(0).asText()).isEqualTo("vault");
    assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);
    assertThat(claims.path("nbf").asLong()).isEqualTo(claims.path("iat").asLong());
    assertThat(claims.at("/kubernetes.io/pod/uid").asText()).isEqualTo("pod-uid");
    assertThat(claims.at("/kubernetes.io/serviceaccount/name").asText()).isEqualTo("builder");
    assertThat(claims.at("/kubernetes.io/node/uid").asText()).isEqualTo("node-uid");
    String header = new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    assertThat(Json.MAPPER.readTree(header).path("kid").asText()).isEqualTo(KEY.keyId());
  }

  @Test
  void anExpiredTokenIsRefusedAfterTheLeeway() {
    String token = tokens.issue(sa(), tokens.apiAudiences(), 600, null).token();
    clock.now = clock.now.plusSeconds(600 + 59);
    assertThat(tokens.authenticate(token)).isPresent();
    clock.now = clock.now.plusSeconds(2);
    assertThat(tokens.authenticate(token)).isEmpty();
  }

  @Test
  void aTokenForAnotherAudienceIsRefused() {
    assertThat(tokens.authenticate(tokens.issue(sa(), List.of("vault"), 600, null).token())).isEmpty();
  }

  @Test
  void aDeletedOrReplacedPodRevokesItsTokens() {
    String token = tokens.issue(sa(), tokens.apiAudiences(), 3607, pod()).token();
    objects.remove("pod/team/web-0");
    assertThat(tokens.authenticate(token)).isEmpty();
    put("pod/team/web-0", "Pod", "team", "web-0", "another-uid"); // a StatefulSet's replacement
    assertThat(tokens.authenticate(token)).isEmpty();
  }

  @Test
  void aTerminatingPodKeepsItsTokensForAMinute() {
    String token = tokens.issue(sa(), tokens.apiAudiences(), 3607, pod()).token();
    ((ObjectNode) objects.get("pod/team/web-0").path("metadata")).put("deletionTimestamp", clock.now.toString());
    clock.now = clock.now.plusSeconds(30);
    assertThat(tokens.authenticate(token)).isPresent();
    clock.now = clock.now.plusSeconds(31);
    assertThat(tokens.authenticate(token)).isEmpty();
  }

  @Test
  void aDeletedOrRecreatedServiceAccountRevokesItsTokens() {
    String token = tokens.issue(sa(), tokens.apiAudiences(), 3607, null).token();
    put("sa/team/builder", "ServiceAccount", "team", "builder", "new-uid");
    assertThat(tokens.authenticate(token)).isEmpty();
    objects.remove("sa/team/builder");
    assertThat(tokens.authenticate(token)).isEmpty();
  }

  @Test
  void aSecretBoundTokenDiesWithItsSecret() {
    ObjectNode secret = put("secret/team/s", "Secret", "team", "s", "secret-uid");
    String token = tokens.issue(sa(), tokens.apiAudiences(), 3607, secret).token();
    assertThat(tokens.authenticate(token)).isPresent();
    objects.remove("secret/team/s");
    assertThat(tokens.authenticate(token)).isEmpty();
  }

  @Test
  void aTokenSignedByAnotherKeyOrTamperedWithIsRefused() {
    sa();
    ServiceAccountTokens other = new ServiceAccountTokens(SigningKey.generate(), lookup, clock);
    assertThat(tokens.authenticate(other.issue(sa(), tokens.apiAudiences(), 3607, null).token())).isEmpty();
    String[] parts = tokens.issue(sa(), tokens.apiAudiences(), 3607, null).token().split("\\.");
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("builder", "admin0").getBytes(StandardCharsets.UTF_8));
    assertThat(tokens.authenticate(parts[0] + "." + forged + "." + parts[2])).isEmpty();
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(tokens.authenticate(none + "." + parts[1] + ".")).isEmpty();
    assertThat(tokens.authenticate("not-a-jwt")).isEmpty();
  }

  @Test
  void aLegacyTokenWorksWhileItsSecretHoldsIt() {
    ObjectNode sa = sa();
    String token = tokens.issueLegacy(sa, "legacy");
    ObjectNode secret = put("secret/team/legacy", "Secret", "team", "legacy", "s-uid");
    secret.put("type", "kubernetes.io/service-account-token");
    secret.putObject("data").put("token", Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
    clock.now = clock.now.plusSeconds(10L * 365 * 86400); // no expiry
    assertThat(tokens.authenticate(token).orElseThrow().username()).isEqualTo("system:serviceaccount:team:builder");
    secret.putObject("data").put("token", "b3RoZXI="); // replaced
    assertThat(tokens.authenticate(token)).isEmpty();
    objects.remove("secret/team/legacy");
    assertThat(tokens.authenticate(token)).isEmpty();
  }

  @Test
  void theJwksDocumentNamesTheKey() throws Exception {
    ObjectNode jwks = KEY.jwks();
    assertThat(jwks.at("/keys/0/kid").asText()).isEqualTo(KEY.keyId());
    assertThat(jwks.at("/keys/0/kty").asText()).isEqualTo("EC");
    assertThat(jwks.at("/keys/0/crv").asText()).isEqualTo("P-256");
    assertThat(jwks.at("/keys/0/alg").asText()).isEqualTo("ES256");
    assertThat(Base64.getUrlDecoder().decode(jwks.at("/keys/0/x").asText())).hasSize(32);
    assertThat(Base64.getUrlDecoder().decode(jwks.at("/keys/0/y").asText())).hasSize(32);
    assertThat(SigningKey.fromPem(KEY.toPem()).keyId()).isEqualTo(KEY.keyId());
  }

  static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
