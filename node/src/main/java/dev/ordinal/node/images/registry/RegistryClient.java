package dev.ordinal.node.images.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The distribution API (OCI distribution spec, Docker registry v2) at one endpoint, for one
 * repository: manifests and blobs by GET, with the anonymous, Bearer-token and basic-auth flows.
 * On a 401 the {@code WWW-Authenticate} challenge says what to do: Bearer asks the realm for a
 * {@code repository:NAME:pull} token (with the credential as basic auth when there is one), Basic
 * sends the credential itself. Redirects (blob storage elsewhere) are followed by hand so that the
 * registry's Authorization never goes to another host.
 */
public final class RegistryClient {
  static final String ACCEPT = String.join(", ", MediaTypes.OCI_INDEX, MediaTypes.DOCKER_LIST, MediaTypes.OCI_MANIFEST,
      MediaTypes.DOCKER_MANIFEST);

  /** A manifest as the registry sent it: its bytes, media type and (verified) digest. */
  public record Manifest(byte[] bytes, String mediaType, String digest) {
    public JsonNode json() throws IOException {
      return Json.MAPPER.readTree(bytes);
    }
  }

  private final HttpClient http;
  private final RegistryConfig.Endpoint endpoint;
  private final Optional<Credential> credential;
  private final String imageName;
  private volatile String authorization; // "Bearer …" or "Basic …" once a challenge was answered

  /** {@code imageName} is the reference as the pod names it, for messages. */
  public RegistryClient(HttpClient http, RegistryConfig.Endpoint endpoint, Optional<Credential> credential, String imageName) {
    this.http = http;
    this.endpoint = endpoint;
    this.credential = credential;
    this.imageName = imageName;
  }

  /** An HTTP client for one host's TLS configuration. */
  public static HttpClient httpClient(RegistryConfig.HostConfig config) throws IOException {
    return HttpClient.newBuilder().sslContext(TlsContexts.of(config)).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(15)).build();
  }

  public RegistryConfig.Endpoint endpoint() {
    return endpoint;
  }

  /**
   * The manifest for a tag or digest; a digest reference is checked against the bytes received.
   *
   * @throws PullError NOT_FOUND for a 404, UNAUTHORIZED, TLS, UNREACHABLE, DIGEST_MISMATCH
   */
  public Manifest manifest(String reference) throws PullError {
    HttpResponse<InputStream> r = get("/v2/" + endpoint.repository() + "/manifests/" + reference, ACCEPT);
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) {
        throw new PullError(PullError.Kind.NOT_FOUND, imageName + ": not found");
      }
      ensureOk(r, "manifest " + reference);
      byte[] bytes = in.readNBytes(8 << 20); // manifests are small; a bigger answer is not one
      String digest = Digests.sha256(bytes);
      if (reference.startsWith("sha256:") && !reference.equals(digest)) {
        throw new PullError(PullError.Kind.DIGEST_MISMATCH, "failed commit on ref \"manifest-" + reference
            + "\": unexpected commit digest " + digest + ", expected " + reference + ": failed precondition");
      }
      String type = r.headers().firstValue("Content-Type").orElse("");
      JsonNode json = Json.MAPPER.readTree(bytes);
      if (json.has("mediaType")) {
        type = json.path("mediaType").asText();
      } else if (json.has("manifests")) {
        type = MediaTypes.OCI_INDEX;
      }
      return new Manifest(bytes, type.split(";")[0].strip(), digest);
    } catch (IOException e) {
      throw new PullError(PullError.Kind.UNREACHABLE, "failed to read manifest of " + imageName + " from " + endpoint.base() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Opens a blob's bytes; the caller verifies them against the digest (see {@link Digests}) and
   * closes the stream.
   */
  public InputStream blob(String digest) throws PullError {
    HttpResponse<InputStream> r = get("/v2/" + endpoint.repository() + "/blobs/" + digest, "*/*");
    if (r.statusCode() == 404) {
      close(r);
      throw new PullError(PullError.Kind.NOT_FOUND, imageName + ": blob " + digest + " not found");
    }
    try {
      ensureOk(r, "blob " + digest);
    } catch (PullError e) {
      close(r);
      throw e;
    }
    return r.body();
  }

  private HttpResponse<InputStream> get(String path, String accept) throws PullError {
    URI uri = endpoint.base().resolve(path);
    HttpResponse<InputStream> r = send(uri, accept, authorization);
    if (r.statusCode() == 401) {
      AuthChallenge challenge = AuthChallenge.parse(r.headers().firstValue("WWW-Authenticate").orElse(""));
      close(r);
      authorization = authorize(challenge);
      r = send(uri, accept, authorization);
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        close(r);
        throw denied();
      }
    }
    for (int hops = 0; hops < 5 && isRedirect(r.statusCode()); hops++) {
      URI next = uri.resolve(r.headers().firstValue("Location").orElse(""));
      close(r);
      boolean sameHost = next.getHost() != null && next.getHost().equals(uri.getHost()) && next.getPort() == uri.getPort();
      r = send(next, accept, sameHost ? authorization : null);
      uri = next;
    }
    return r;
  }

  private String authorize(AuthChallenge challenge) throws PullError {
    switch (challenge.scheme()) {
      case "basic" -> {
        if (credential.isEmpty()) {
          throw denied();
        }
        return "Basic " + basic(credential.get());
      }
      case "bearer" -> {
        return "Bearer " + token(challenge);
      }
      default -> throw new PullError(PullError.Kind.UNAUTHORIZED,
          "failed to authorize: registry " + endpoint.host() + " asks for an unknown scheme \"" + challenge.scheme() + "\"");
    }
  }

  private String token(AuthChallenge challenge) throws PullError {
    String realm = challenge.param("realm");
    if (realm.isEmpty()) {
      throw new PullError(PullError.Kind.UNAUTHORIZED, "failed to authorize: the Bearer challenge of " + endpoint.host() + " names no realm");
    }
    String scope = challenge.param("scope").isEmpty() ? "repository:" + endpoint.repository() + ":pull" : challenge.param("scope");
    StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
    if (!challenge.param("service").isEmpty()) {
      q.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8)).append('&');
    }
    q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
    URI uri = URI.create(q.toString());
    HttpResponse<InputStream> r = send(uri, "application/json", credential.map(c -> "Basic " + basic(c)).orElse(null));
    try (InputStream in = r.body()) {
      if (r.statusCode() == 401 || r.statusCode() == 403) {
        throw new PullError(PullError.Kind.UNAUTHORIZED, "failed to authorize: failed to fetch "
            + (credential.isPresent() ? "oauth" : "anonymous") + " token: unexpected status from GET request to " + realm + ": "
            + r.statusCode() + " Unauthorized");
      }
      if (r.statusCode() != 200) {
        throw new PullError(PullError.Kind.UNAUTHORIZED, "failed to authorize: unexpected status from GET request to " + realm + ": " + r.statusCode());
      }
      JsonNode body = Json.MAPPER.readTree(in.readNBytes(1 << 20));
      String token = body.path("token").asText(body.path("access_token").asText(""));
      if (token.isEmpty()) {
        throw new PullError(PullError.Kind.UNAUTHORIZED, "failed to authorize: the token answer of " + realm + " holds no token");
      }
      return token;
    } catch (IOException e) {
      throw new PullError(PullError.Kind.UNAUTHORIZED, "failed to authorize: reading the token from " + realm + ": " + e.getMessage(), e);
    }
  }

  private PullError denied() {
    return new PullError(PullError.Kind.UNAUTHORIZED, credential.isPresent()
        ? "failed to authorize: " + endpoint.host() + " refused the credentials of " + credential.get().username() + ": 401 Unauthorized"
        : "pull access denied, repository does not exist or may require authorization: authorization failed");
  }

  private HttpResponse<InputStream> send(URI uri, String accept, String auth) throws PullError {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().header("Accept", accept).header("User-Agent", "ordinal");
    if (auth != null) {
      b.header("Authorization", auth);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (SSLException e) {
      throw new PullError(PullError.Kind.TLS, "failed to do request: Get \"" + uri + "\": tls: failed to verify certificate: " + rootMessage(e), e);
    } catch (ConnectException | HttpTimeoutException e) {
      throw new PullError(PullError.Kind.UNREACHABLE, "failed to do request: Get \"" + uri + "\": " + rootMessage(e), e);
    } catch (IOException e) {
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
        if (root instanceof SSLException || root instanceof java.security.cert.CertificateException) {
          throw new PullError(PullError.Kind.TLS, "failed to do request: Get \"" + uri + "\": tls: failed to verify certificate: " + rootMessage(e), e);
        }
      }
      throw new PullError(PullError.Kind.UNREACHABLE, "failed to do request: Get \"" + uri + "\": " + rootMessage(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PullError(PullError.Kind.OTHER, "interrupted", e);
    }
  }

  private void ensureOk(HttpResponse<InputStream> r, String what) throws PullError {
    if (r.statusCode() != 200) {
      throw new PullError(PullError.Kind.OTHER, "unexpected status from GET request for " + what + " of " + imageName + " at "
          + endpoint.base() + ": " + r.statusCode());
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static String basic(Credential c) {
    return Base64.getEncoder().encodeToString((c.username() + ":" + c.password()).getBytes(StandardCharsets.UTF_8));
  }

  private static void close(HttpResponse<InputStream> r) {
    try {
      r.body().close();
    } catch (IOException e) {
      // the connection is dropped; nothing to keep
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
