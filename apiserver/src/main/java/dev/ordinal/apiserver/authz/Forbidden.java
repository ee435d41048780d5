package dev.ordinal.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;

/** 403s worded as upstream's: the authorization filter's message inside errors.NewForbidden. */
public final class Forbidden {
  private Forbidden() {}

  /** {@code pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"}. */
  public static ApiException of(Attributes a, String reason) {
    String username = a.user() == null ? "" : a.user().username();
    String msg;
    if (!a.resourceRequest()) {
      msg = "User \"" + username + "\" cannot " + a.verb() + " path \"" + a.path() + "\"";
    } else if (!a.namespace().isEmpty()) {
      msg = "User \"" + username + "\" cannot " + a.verb() + " resource \"" + a.resourceWithSubresource() + "\" in API group \""
          + a.apiGroup() + "\" in the namespace \"" + a.namespace() + "\"";
    } else {
      msg = "User \"" + username + "\" cannot " + a.verb() + " resource \"" + a.resourceWithSubresource() + "\" in API group \""
          + a.apiGroup() + "\" at the cluster scope";
    }
    if (reason != null && !reason.isEmpty()) {
      msg = msg + ": " + reason;
    }
    return a.resourceRequest() ? of(a.apiGroup(), a.resource(), a.name(), msg) : of("", "", "", msg);
  }

  /** errors.NewForbidden: {@code <resource>[.<group>] ["<name>"] is forbidden: <why>}, or {@code forbidden: <why>}. */
  public static ApiException of(String group, String resource, String name, String why) {
    ObjectNode details = Json.object();
    String message;
    if (resource.isEmpty()) {
      message = "forbidden: " + why;
    } else {
      String qualified = group.isEmpty() ? resource : resource + "." + group;
      message = name.isEmpty() ? qualified + " is forbidden: " + why : qualified + " \"" + name + "\" is forbidden: " + why;
      if (!name.isEmpty()) {
        details.put("name", name);
      }
      details.put("group", group).put("kind", resource);
    }
    return new ApiException(403, "Forbidden", message, details);
  }
}
