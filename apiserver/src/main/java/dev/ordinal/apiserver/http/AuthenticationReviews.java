package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.registry.Meta;
import java.util.List;

/**
 * The authentication.k8s.io reviews. {@code POST selfsubjectreviews} ({@code kubectl auth whoami}):
 * the requester's own user info, served at v1 and the beta and alpha versions kubectl falls back to;
 * the body is not read (it has no spec). {@code POST tokenreviews} (v1): whether a token is valid for
 * the audiences given and whose it is, as Vault's Kubernetes auth and webhook authenticators ask.
 * Neither is listed in discovery; their callers do not look there.
 */
final class AuthenticationReviews {
  private static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha1");

  private AuthenticationReviews() {}

  static boolean matches(List<String> parts) {
    return parts.size() == 4 && parts.get(0).equals("apis") && parts.get(1).equals("authentication.k8s.io")
        && VERSIONS.contains(parts.get(2)) && parts.get(3).equals("selfsubjectreviews");
  }

  static boolean matchesTokenReview(List<String> parts) {
    return parts.size() == 4 && parts.get(0).equals("apis") && parts.get(1).equals("authentication.k8s.io")
        && parts.get(2).equals("v1") && parts.get(3).equals("tokenreviews");
  }

  static ObjectNode tokenReview(String version, ObjectNode body, dev.ordinal.apiserver.auth.Authenticator authenticator) {
    String token = body.path("spec").path("token").asText("");
    List<String> audiences = new java.util.ArrayList<>();
    body.path("spec").path("audiences").forEach(a -> audiences.add(a.asText()));
    ObjectNode o = Json.object();
    o.put("kind", "TokenReview").put("apiVersion", "authentication.k8s.io/" + version);
    o.putObject("metadata").put("creationTimestamp", Meta.now());
    o.set("spec", body.path("spec").deepCopy());
    ObjectNode status = o.putObject("status");
    UserInfo user = token.isEmpty() ? null : authenticator.review(token, audiences).orElse(null);
    if (user == null) {
      status.put("authenticated", false).putObject("user");
      status.put("error", "[invalid bearer token, service account token is not valid for the audiences given or has been invalidated]");
      return o;
    }
    status.put("authenticated", true);
    status.set("user", userInfo(user));
    List<String> granted = audiences.isEmpty() ? authenticator.serviceAccountTokens().apiAudiences() : audiences;
    granted.forEach(status.putArray("audiences")::add);
    return o;
  }

  static ObjectNode review(String version, UserInfo user) {
    ObjectNode o = Json.object();
    o.put("kind", "SelfSubjectReview").put("apiVersion", "authentication.k8s.io/" + version);
    o.putObject("metadata").put("creationTimestamp", Meta.now());
    o.putObject("status").set("userInfo", userInfo(user));
    return o;
  }

  private static ObjectNode userInfo(UserInfo user) {
    ObjectNode info = Json.object();
    info.put("username", user.username());
    if (!user.uid().isEmpty()) {
      info.put("uid", user.uid());
    }
    user.groups().forEach(info.putArray("groups")::add);
    if (!user.extra().isEmpty()) {
      ObjectNode extra = info.putObject("extra");
      user.extra().forEach((k, v) -> v.forEach(extra.putArray(k)::add));
    }
    return info;
  }
}
