package dev.ordinal.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.authz.Decision;

/**
 * A call of a component running in the API server's process (a controller, the scheduler, the
 * node agent), described as the HTTP request it stands for, so the audit log shows the
 * components' writes as kube-apiserver's shows kube-controller-manager's: the same verbs, paths,
 * users and decisions. There is no connection, so no source address.
 *
 * @param status the code the same request over HTTP would have been answered with
 * @param errorStatus the {@code Status} it was refused with, or null
 */
public record ComponentRequest(String method, String path, UserInfo user, int status, ObjectNode errorStatus,
    String requestObjectName, Decision authorization) implements AuditedRequest {

  /** What in-process components present as their user agent. */
  public static final String USER_AGENT = "ordinal (in-process)";

  /**
   * The path of a call on {@code type}: {@code /api/v1/…} or {@code /apis/GROUP/VERSION/…}, the
   * namespace for namespaced types, then the plural, the name and the subresource when given.
   */
  public static String path(ResourceType type, String namespace, String name, String subresource) {
    StringBuilder p = new StringBuilder(type.group().isEmpty() ? "/api/" : "/apis/" + type.group() + "/").append(type.version());
    if (type.namespaced() && namespace != null && !namespace.isEmpty()) {
      p.append("/namespaces/").append(namespace);
    }
    p.append('/').append(type.plural());
    if (name != null && !name.isEmpty()) {
      p.append('/').append(name);
      if (subresource != null && !subresource.isEmpty()) {
        p.append('/').append(subresource);
      }
    }
    return p.toString();
  }

  /** The HTTP method of a Kubernetes verb. */
  public static String method(String verb) {
    return switch (verb) {
      case "create" -> "POST";
      case "update" -> "PUT";
      case "patch" -> "PATCH";
      case "delete", "deletecollection" -> "DELETE";
      default -> "GET";
    };
  }

  @Override
  public String requestUri() {
    return path;
  }

  @Override
  public String header(String name) {
    return name.equalsIgnoreCase("User-Agent") ? USER_AGENT : null;
  }

  @Override
  public String param(String name) {
    return "";
  }

  @Override
  public UserInfo requester() {
    return user;
  }

  @Override
  public String remoteAddress() {
    return "";
  }

  @Override
  public boolean presentedCertificate() {
    return false;
  }
}
