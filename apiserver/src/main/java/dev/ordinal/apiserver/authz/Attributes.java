package dev.ordinal.apiserver.authz;

import dev.ordinal.apiserver.auth.UserInfo;

/**
 * What a request asks to do, as upstream's authorizer.Attributes: a verb on a resource (its API
 * group, namespace, name and subresource), or a verb on a non-resource path such as
 * {@code /healthz}. Empty strings stand for "none": a cluster-scoped request has namespace "", a
 * collection request name "".
 *
 * @param verb for resources: get, list, watch, create, update, patch, delete, deletecollection, or a
 *     special verb (impersonate, bind, escalate, use); for paths the lower-case HTTP method
 */
public record Attributes(
    UserInfo user, String verb, boolean resourceRequest, String apiGroup, String resource, String subresource,
    String namespace, String name, String path) {

  public Attributes {
    apiGroup = apiGroup == null ? "" : apiGroup;
    resource = resource == null ? "" : resource;
    subresource = subresource == null ? "" : subresource;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
    path = path == null ? "" : path;
  }

  public static Attributes resource(UserInfo user, String verb, String apiGroup, String resource, String subresource,
      String namespace, String name) {
    return new Attributes(user, verb, true, apiGroup, resource, subresource, namespace, name, "");
  }

  public static Attributes path(UserInfo user, String verb, String path) {
    return new Attributes(user, verb, false, "", "", "", "", "", path);
  }

  /** The same request asked by someone else (impersonation, access reviews). */
  public Attributes as(UserInfo other) {
    return new Attributes(other, verb, resourceRequest, apiGroup, resource, subresource, namespace, name, path);
  }

  /** {@code pods/log} style, as rules name subresources. */
  public String resourceWithSubresource() {
    return subresource.isEmpty() ? resource : resource + "/" + subresource;
  }
}
