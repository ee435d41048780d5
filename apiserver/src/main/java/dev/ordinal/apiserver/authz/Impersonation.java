package dev.ordinal.apiserver.authz;

import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.errors.ApiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Impersonate-* headers ({@code kubectl --as=… --as-group=…}), as upstream's impersonation
 * filter: each user, group, uid and extra asked for needs the {@code impersonate} verb on it
 * (users, groups, serviceaccounts in core; uids and userextras in authentication.k8s.io); the
 * request then runs as the impersonated user, who is in {@code system:authenticated} and, for a
 * ServiceAccount without groups asked for, in its ServiceAccount groups.
 */
public final class Impersonation {
  static final String USER = "Impersonate-User";
  static final String GROUP = "Impersonate-Group";
  static final String UID = "Impersonate-Uid";
  static final String EXTRA = "impersonate-extra-";
  private static final String SA_PREFIX = "system:serviceaccount:";

  private Impersonation() {}

  /**
   * The user the request acts as.
   *
   * @param headers all values of a header name (case-insensitive), empty when absent
   * @param extraHeaders every header whose name starts with Impersonate-Extra-, name lower-cased → values
   */
  public static UserInfo actAs(UserInfo requester, Function<String, List<String>> headers, Map<String, List<String>> extraHeaders,
      RbacAuthorizer authorizer) {
    List<String> users = headers.apply(USER);
    List<String> groups = headers.apply(GROUP);
    List<String> uids = headers.apply(UID);
    if (users.isEmpty()) {
      if (!groups.isEmpty() || !extraHeaders.isEmpty() || !uids.isEmpty()) {
        throw ApiException.internal("requested " + describe(groups, extraHeaders, uids) + " without impersonating a user");
      }
      return requester;
    }
    String username = users.getFirst();
    if (username.startsWith(SA_PREFIX)) {
      String[] nsName = username.substring(SA_PREFIX.length()).split(":", 2);
      if (nsName.length != 2) {
        throw ApiException.internal("Internal error occurred: unable to parse \"" + username + "\"");
      }
      allow(authorizer, Attributes.resource(requester, "impersonate", "", "serviceaccounts", "", nsName[0], nsName[1]));
    } else {
      allow(authorizer, Attributes.resource(requester, "impersonate", "", "users", "", "", username));
    }
    for (String g : groups) {
      allow(authorizer, Attributes.resource(requester, "impersonate", "", "groups", "", "", g));
    }
    for (String uid : uids) {
      allow(authorizer, Attributes.resource(requester, "impersonate", "authentication.k8s.io", "uids", "", "", uid));
    }
    Map<String, List<String>> extra = new LinkedHashMap<>();
    extraHeaders.forEach((header, values) -> {
      String key = URLDecoder.decode(header.substring(EXTRA.length()), StandardCharsets.UTF_8);
      for (String v : values) {
        allow(authorizer, Attributes.resource(requester, "impersonate", "authentication.k8s.io", "userextras", key, "", v));
      }
      extra.put(key, List.copyOf(values));
    });
    List<String> actingGroups = new ArrayList<>(groups);
    if (groups.isEmpty() && username.startsWith(SA_PREFIX)) {
      String ns = username.substring(SA_PREFIX.length()).split(":", 2)[0];
      actingGroups.add("system:serviceaccounts");
      actingGroups.add("system:serviceaccounts:" + ns);
    }
    String everyone = username.equals(UserInfo.ANONYMOUS.username()) ? "system:unauthenticated" : UserInfo.AUTHENTICATED;
    if (!actingGroups.contains(everyone)) {
      actingGroups.add(everyone);
    }
    return new UserInfo(username, uids.isEmpty() ? "" : uids.getFirst(), actingGroups, extra);
  }

  private static void allow(RbacAuthorizer authorizer, Attributes a) {
    Decision d = authorizer.authorize(a);
    if (!d.allowed()) {
      throw Forbidden.of(a, d.evaluationError().isEmpty() ? "" : "RBAC: " + d.evaluationError());
    }
  }

  private static String describe(List<String> groups, Map<String, List<String>> extra, List<String> uids) {
    List<String> parts = new ArrayList<>();
    groups.forEach(g -> parts.add("{Group " + g + "}"));
    extra.forEach((k, v) -> parts.add("{Extra " + k + "}"));
    uids.forEach(u -> parts.add("{UID " + u + "}"));
    return "[" + String.join(" ", parts) + "]";
  }
}
