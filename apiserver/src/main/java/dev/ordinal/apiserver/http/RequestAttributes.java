package dev.ordinal.apiserver.http;

import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.authz.Attributes;
import java.util.Locale;

/**
 * A request's authorization attributes, as upstream's RequestInfoResolver derives them: resource
 * paths map their HTTP method to a verb (GET is get, list or watch; POST create; PUT update; PATCH
 * patch; DELETE delete or deletecollection), everything else is a path with the lower-cased method
 * as verb. A namespace addresses itself: {@code /api/v1/namespaces/x} is in namespace x.
 */
final class RequestAttributes {
  private RequestAttributes() {}

  static Attributes of(UserInfo user, String method, String path, boolean watchParam) {
    RequestInfo info = RequestInfo.parse(path);
    if (info == null) {
      return Attributes.path(user, method.toLowerCase(Locale.ROOT), path);
    }
    boolean collection = info.name() == null;
    boolean watch = info.watchPath() || watchParam;
    String verb = switch (method) {
      case "GET", "HEAD" -> watch ? "watch" : collection ? "list" : "get";
      case "POST" -> "create";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> collection ? "deletecollection" : "delete";
      default -> method.toLowerCase(Locale.ROOT);
    };
    String namespace = info.namespace();
    if (info.group().isEmpty() && info.plural().equals("namespaces") && info.name() != null) {
      namespace = info.name();
    }
    return Attributes.resource(user, verb, info.group(), info.plural(), info.subresource(), namespace, info.name());
  }
}
