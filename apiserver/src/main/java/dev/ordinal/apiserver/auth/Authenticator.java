package dev.ordinal.apiserver.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Who a request's credential names: the admin token of the data directory, or a ServiceAccount
 * token. Every authenticated user may do everything until RBAC comes; the user is recorded on the
 * request for it (and for {@code SelfSubjectReview}). Client certificates will join here.
 */
public final class Authenticator {
  private final byte[] adminToken;
  private final ServiceAccountTokens serviceAccountTokens;

  public Authenticator(String adminToken, ServiceAccountTokens serviceAccountTokens) {
    this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
    this.serviceAccountTokens = serviceAccountTokens;
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
