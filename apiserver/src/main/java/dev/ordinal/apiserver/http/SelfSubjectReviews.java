package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.registry.Meta;
import java.util.List;

/**
 * {@code POST /apis/authentication.k8s.io/v1/selfsubjectreviews} ({@code kubectl auth whoami}): the
 * requester's own user info. Served at v1 and the beta and alpha versions kubectl falls back to; not
 * listed in discovery (kubectl does not look there for it), and the body is not read (it has no spec).
 */
final class SelfSubjectReviews {
  private static final List<String> VERSIONS = List.of("v1", "v1beta1", "v1alpha1");

  private SelfSubjectReviews() {}

  static boolean matches(List<String> parts) {
    return parts.size() == 4 && parts.get(0).equals("apis") && parts.get(1).equals("authentication.k8s.io")
        && VERSIONS.contains(parts.get(2)) && parts.get(3).equals("selfsubjectreviews");
  }

  static ObjectNode review(String version, UserInfo user) {
    ObjectNode o = Json.object();
    o.put("kind", "SelfSubjectReview").put("apiVersion", "authentication.k8s.io/" + version);
    o.putObject("metadata").put("creationTimestamp", Meta.now());
    ObjectNode info = o.putObject("status").putObject("userInfo");
    info.put("username", user.username());
    if (!user.uid().isEmpty()) {
      info.put("uid", user.uid());
    }
    user.groups().forEach(info.putArray("groups")::add);
    if (!user.extra().isEmpty()) {
      ObjectNode extra = info.putObject("extra");
      user.extra().forEach((k, v) -> v.forEach(extra.withArray(k)::add));
    }
    return o;
  }
}
