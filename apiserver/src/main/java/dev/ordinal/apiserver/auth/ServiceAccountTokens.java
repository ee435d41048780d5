package dev.ordinal.apiserver.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Bound ServiceAccount tokens (ES256 JWTs), as upstream's API server issues and checks them: JWTs with
 * upstream's claims ({@code iss}, {@code sub} system:serviceaccount:NS:NAME, {@code aud},
 * {@code exp}/{@code iat}/{@code nbf}, {@code jti} and the {@code kubernetes.io} claim naming the
 * ServiceAccount and the object the token is bound to). A token is valid while it is unexpired,
 * meant for this API (an audience in common), and its ServiceAccount and bound pod or secret still
 * exist with the uids it names — deleting a pod revokes its tokens. Thread-safe.
 */
public final class ServiceAccountTokens {
  public static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
  /** The issuer of legacy tokens, those of {@code kubernetes.io/service-account-token} Secrets. */
  public static final String LEGACY_ISSUER = "kubernetes/serviceaccount";
  public static final String LEGACY_SECRET_TYPE = "kubernetes.io/service-account-token";
  private static final String LEGACY = "kubernetes.io/serviceaccount/";
  /** Upstream's leeway for clock skew on {@code exp} and {@code nbf}. */
  static final long LEEWAY_SECONDS = 60;
  /** A pod's tokens keep working this long after its deletion began (upstream's grace). */
  static final long DELETED_POD_GRACE_SECONDS = 60;

  /** The objects a token names, read at validation time. */
  public interface Lookup {
    Optional<ObjectNode> serviceAccount(String namespace, String name);

    Optional<ObjectNode> pod(String namespace, String name);

    Optional<ObjectNode> secret(String namespace, String name);

    Optional<ObjectNode> node(String name);
  }

  /** A token issued, and when it expires. */
  public record Issued(String token, Instant expires) {}

  /** How many verified tokens are remembered (their claims), so a client's every request skips the signature check. */
  static final int VERIFIED_CACHE_SIZE = 10_000;

  private final SigningKey key;
  private final Lookup lookup;
  // token → its claims, signature verified; the live checks (expiry, objects) still run on each use
  private final java.util.concurrent.ConcurrentHashMap<String, ObjectNode> verified = new java.util.concurrent.ConcurrentHashMap<>();
  private final Clock clock;
  private final List<String> apiAudiences;

  public ServiceAccountTokens(SigningKey key, Lookup lookup, Clock clock) {
    this.key = key;
    this.lookup = lookup;
    this.clock = clock;
    this.apiAudiences = List.of(ISSUER); // upstream's --api-audiences default: the issuer
  }

  public SigningKey key() {
    return key;
  }

  /** The audiences a token needs one of to authenticate to this API. */
  public List<String> apiAudiences() {
    return apiAudiences;
  }

  /**
   * A token for {@code serviceAccount}, bound to {@code boundObject} (a Pod or Secret, or null).
   * The caller has checked that the objects exist and the arguments are valid.
   */
  public Issued issue(ObjectNode serviceAccount, List<String> audiences, long expirationSeconds, ObjectNode boundObject) {
    Instant now = clock.instant();
    Instant exp = now.plusSeconds(expirationSeconds);
    String ns = serviceAccount.path("metadata").path("namespace").asText();
    String name = serviceAccount.path("metadata").path("name").asText();
    ObjectNode claims = Json.object();
    var aud = claims.putArray("aud");
    audiences.forEach(aud::add);
    claims.put("exp", exp.getEpochSecond()).put("iat", now.getEpochSecond()).put("iss", ISSUER)
        .put("jti", UUID.randomUUID().toString());
    ObjectNode k8s = claims.putObject("kubernetes.io");
    k8s.put("namespace", ns);
    if (boundObject != null) {
      String kind = boundObject.path("kind").asText();
      ObjectNode ref = k8s.putObject(kind.equals("Secret") ? "secret" : "pod");
      ref.put("name", boundObject.path("metadata").path("name").asText()).put("uid", boundObject.path("metadata").path("uid").asText());
      String nodeName = boundObject.path("spec").path("nodeName").asText("");
      if (kind.equals("Pod") && !nodeName.isEmpty()) {
        // upstream names the pod's node too (ServiceAccountTokenPodNodeInfo), for node-bound checks
        ObjectNode node = k8s.putObject("node").put("name", nodeName);
        lookup.node(nodeName).ifPresent(n -> node.put("uid", n.path("metadata").path("uid").asText()));
      }
    }
    k8s.putObject("serviceaccount").put("name", name).put("uid", serviceAccount.path("metadata").path("uid").asText());
    claims.put("nbf", now.getEpochSecond()).put("sub", UserInfo.serviceAccountUser(ns, name));
    return new Issued(Jwt.sign(claims, key), exp);
  }

  /**
   * A legacy token for a {@code kubernetes.io/service-account-token} Secret: no expiry, no audience,
   * valid while the Secret exists holding it and the ServiceAccount exists with the same uid.
   */
  public String issueLegacy(ObjectNode serviceAccount, String secretName) {
    String ns = serviceAccount.path("metadata").path("namespace").asText();
    String name = serviceAccount.path("metadata").path("name").asText();
    ObjectNode claims = Json.object();
    claims.put("iss", LEGACY_ISSUER).put(LEGACY + "namespace", ns).put(LEGACY + "secret.name", secretName)
        .put(LEGACY + "service-account.name", name)
        .put(LEGACY + "service-account.uid", serviceAccount.path("metadata").path("uid").asText())
        .put("sub", UserInfo.serviceAccountUser(ns, name));
    return Jwt.sign(claims, key);
  }

  /** The user a token proves, or empty when it is not a valid token of ours for this API. */
  public Optional<UserInfo> authenticate(String token) {
    return authenticate(token, apiAudiences);
  }

  /**
   * The user a token proves to a recipient that is one of {@code audiences} (a TokenReview's), or
   * empty when it is not a valid token of ours for them.
   */
  public Optional<UserInfo> authenticate(String token, List<String> audiences) {
    ObjectNode claims = verifiedClaims(token);
    if (claims != null && claims.path("iss").asText().equals(LEGACY_ISSUER)) {
      return authenticateLegacy(claims, token);
    }
    if (claims == null || !claims.path("iss").asText().equals(ISSUER)) {
      return Optional.empty();
    }
    long now = clock.instant().getEpochSecond();
    if (!claims.path("exp").canConvertToLong() || claims.path("exp").asLong() + LEEWAY_SECONDS < now) {
      return Optional.empty();
    }
    if (claims.path("nbf").canConvertToLong() && claims.path("nbf").asLong() - LEEWAY_SECONDS > now) {
      return Optional.empty();
    }
    if (!hasAudience(claims.path("aud"), audiences)) {
      return Optional.empty();
    }
    JsonNode k8s = claims.path("kubernetes.io");
    String ns = k8s.path("namespace").asText("");
    String saName = k8s.path("serviceaccount").path("name").asText("");
    if (ns.isEmpty() || saName.isEmpty() || !claims.path("sub").asText().equals(UserInfo.serviceAccountUser(ns, saName))) {
      return Optional.empty();
    }
    ObjectNode sa = live(lookup.serviceAccount(ns, saName), k8s.path("serviceaccount").path("uid").asText(""), 0).orElse(null);
    if (sa == null) {
      return Optional.empty();
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    if (k8s.has("pod")) {
      JsonNode ref = k8s.path("pod");
      if (live(lookup.pod(ns, ref.path("name").asText()), ref.path("uid").asText(), DELETED_POD_GRACE_SECONDS).isEmpty()) {
        return Optional.empty(); // the pod is gone, or another pod took its name
      }
      extra.put("authentication.kubernetes.io/pod-name", List.of(ref.path("name").asText()));
      extra.put("authentication.kubernetes.io/pod-uid", List.of(ref.path("uid").asText()));
    }
    if (k8s.has("secret")) {
      JsonNode ref = k8s.path("secret");
      if (live(lookup.secret(ns, ref.path("name").asText()), ref.path("uid").asText(), 0).isEmpty()) {
        return Optional.empty();
      }
    }
    if (k8s.has("node")) {
      extra.put("authentication.kubernetes.io/node-name", List.of(k8s.path("node").path("name").asText()));
      if (k8s.path("node").has("uid")) {
        extra.put("authentication.kubernetes.io/node-uid", List.of(k8s.path("node").path("uid").asText()));
      }
    }
    if (claims.has("jti")) {
      extra.put("authentication.kubernetes.io/credential-id", List.of("JTI=" + claims.path("jti").asText()));
    }
    List<String> groups = new ArrayList<>(List.of("system:serviceaccounts", "system:serviceaccounts:" + ns, UserInfo.AUTHENTICATED));
    return Optional.of(new UserInfo(UserInfo.serviceAccountUser(ns, saName), sa.path("metadata").path("uid").asText(), groups, extra));
  }

  /** The claims of a token signed by our key (read only), or null. */
  private ObjectNode verifiedClaims(String token) {
    ObjectNode claims = verified.get(token);
    if (claims != null) {
      return claims;
    }
    claims = Jwt.verify(token, key).orElse(null);
    if (claims != null) {
      if (verified.size() >= VERIFIED_CACHE_SIZE) {
        verified.clear(); // crude, but bounded; tokens in use are verified again once
      }
      verified.put(token, claims);
    }
    return claims;
  }

  private Optional<UserInfo> authenticateLegacy(ObjectNode claims, String token) {
    String ns = claims.path(LEGACY + "namespace").asText("");
    String saName = claims.path(LEGACY + "service-account.name").asText("");
    String secretName = claims.path(LEGACY + "secret.name").asText("");
    if (ns.isEmpty() || saName.isEmpty() || secretName.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode secret = live(lookup.secret(ns, secretName), "", 0).orElse(null);
    // the Secret must still hold this very token: deleting it, or replacing its token, revokes
    if (secret == null || !secret.path("type").asText().equals(LEGACY_SECRET_TYPE)
        || !token.equals(decode(secret.path("data").path("token").asText("")))) {
      return Optional.empty();
    }
    ObjectNode sa = live(lookup.serviceAccount(ns, saName), claims.path(LEGACY + "service-account.uid").asText(""), 0).orElse(null);
    if (sa == null) {
      return Optional.empty();
    }
    List<String> groups = List.of("system:serviceaccounts", "system:serviceaccounts:" + ns, UserInfo.AUTHENTICATED);
    return Optional.of(new UserInfo(UserInfo.serviceAccountUser(ns, saName), sa.path("metadata").path("uid").asText(), groups, Map.of()));
  }

  private static String decode(String base64) {
    try {
      return new String(java.util.Base64.getDecoder().decode(base64), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static boolean hasAudience(JsonNode aud, List<String> wanted) {
    if (aud.isTextual()) {
      return wanted.contains(aud.asText());
    }
    for (JsonNode a : aud) {
      if (wanted.contains(a.asText())) {
        return true;
      }
    }
    return false;
  }

  /** The object if it exists with the uid (when one is named) and its deletion began less than {@code grace} ago. */
  private Optional<ObjectNode> live(Optional<ObjectNode> obj, String uid, long graceSeconds) {
    if (obj.isEmpty()) {
      return obj;
    }
    JsonNode meta = obj.get().path("metadata");
    if (!uid.isEmpty() && !uid.equals(meta.path("uid").asText())) {
      return Optional.empty();
    }
    String deleting = meta.path("deletionTimestamp").asText("");
    if (!deleting.isEmpty() && Instant.parse(deleting).plusSeconds(graceSeconds).isBefore(clock.instant())) {
      return Optional.empty();
    }
    return obj;
  }

  /** {@code /.well-known/openid-configuration}, as upstream serves it. */
  public ObjectNode openIdConfiguration() {
    ObjectNode doc = Json.object();
    doc.put("issuer", ISSUER).put("jwks_uri", ISSUER + "/openid/v1/jwks");
    doc.putArray("response_types_supported").add("id_token");
    doc.putArray("subject_types_supported").add("public");
    doc.putArray("id_token_signing_alg_values_supported").add(SigningKey.ALGORITHM);
    return doc;
  }
}
