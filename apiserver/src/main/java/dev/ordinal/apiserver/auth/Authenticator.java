package dev.ordinal.apiserver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a request's credentials name: a client certificate signed by the cluster CA, the admin token
 * of the data directory, or a ServiceAccount token. As upstream's union of authenticators, the
 * first that succeeds names the user, in upstream's order: the certificate, then the bearer token;
 * a certificate that does not verify is no user but does not stop a valid token. The user is
 * recorded on the request for authorization, {@code SelfSubjectReview} and the audit log.
 */
public final class Authenticator {
  private static final Logger log = LoggerFactory.getLogger(Authenticator.class);

  private final byte[] adminToken;
  private final ServiceAccountTokens serviceAccountTokens;
  private final ClientCertificates clientCertificates;

  public Authenticator(String adminToken, ServiceAccountTokens serviceAccountTokens) {
    this(adminToken, serviceAccountTokens, null);
  }

  /** @param clientCertificates null when no client certificate names a user (plain HTTP) */
  public Authenticator(String adminToken, ServiceAccountTokens serviceAccountTokens, ClientCertificates clientCertificates) {
    this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
    this.serviceAccountTokens = serviceAccountTokens;
    this.clientCertificates = clientCertificates;
  }

  public ServiceAccountTokens serviceAccountTokens() {
    return serviceAccountTokens;
  }

  /**
   * A bearer token's user as a TokenReview answers it: for {@code audiences} (empty: the API's).
   * The admin token is not audience-bound and authenticates for any.
   */
  public Optional<UserInfo> review(String token, java.util.List<String> audiences) {
    if (MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), adminToken)) {
      return Optional.of(UserInfo.ADMIN);
    }
    return serviceAccountTokens.authenticate(token, audiences.isEmpty() ? serviceAccountTokens.apiAudiences() : audiences);
  }

  /**
   * The user of a request: its verified client certificate's ({@code peerCertificates}, leaf
   * first; null when none or not over TLS), else its {@code Authorization} header's; empty when
   * neither is a valid credential.
   */
  public Optional<UserInfo> authenticate(String authorization, X509Certificate[] peerCertificates) {
    if (clientCertificates != null) {
      switch (clientCertificates.authenticate(peerCertificates)) {
        case ClientCertificates.Outcome.Authenticated a -> {
          return Optional.of(a.user());
        }
        case ClientCertificates.Outcome.Rejected r -> log.debug("client certificate not accepted: {}", r.reason());
        case ClientCertificates.Outcome.Absent a -> { }
      }
    }
    return authenticate(authorization);
  }

  /** The user of an {@code Authorization} header, or empty when it carries no valid credential. */
  public Optional<UserInfo> authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Optional.empty();
    }
    String token = authorization.substring(7).trim();
    if (MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8), adminToken)) {
      return Optional.of(UserInfo.ADMIN);
    }
    if (token.chars().filter(c -> c == '.').count() == 2) {
      return serviceAccountTokens.authenticate(token);
    }
    return Optional.empty();
  }
}
