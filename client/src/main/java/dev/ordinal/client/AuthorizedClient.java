package dev.ordinal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.audit.AuditEvent;
import dev.ordinal.apiserver.audit.Auditor;
import dev.ordinal.apiserver.audit.ComponentRequest;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.authz.Attributes;
import dev.ordinal.apiserver.authz.Decision;
import dev.ordinal.apiserver.authz.RbacAuthorizer;
import dev.ordinal.apiserver.authz.RequestUser;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.ObjectList;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process client that acts as one component's user: every call is authorized as the same
 * call over HTTP would be (the verb, the subresource, the namespace and name), and runs as that
 * user in admission (escalation checks, the node restriction). So the controllers, the scheduler
 * and the node agent hold only what their roles grant, as they will when they run elsewhere.
 * A refusal is logged: for a component it is a missing permission, a bug to see. Writes and
 * refusals go to the audit log as the same requests over HTTP would.
 */
final class AuthorizedClient implements Client {
  private static final Logger log = LoggerFactory.getLogger(AuthorizedClient.class);

  private final InProcessClient inner;
  private final RbacAuthorizer authorizer;
  private final UserInfo user;
  private final Auditor audit;

  AuthorizedClient(InProcessClient inner, RbacAuthorizer authorizer, UserInfo user, Auditor audit) {
    this.inner = inner;
    this.authorizer = authorizer;
    this.user = user;
    this.audit = audit;
  }

  private <T> T as(String verb, ResourceType type, String subresource, String namespace, String name, Supplier<T> call) {
    Instant received = Instant.now();
    String ns = type.namespaced() ? namespace : "";
    Attributes a = Attributes.resource(user, verb, type.group(), type.plural(), subresource, ns, name);
    Decision d = authorizer.authorize(a);
    String objectName = name;
    try {
      RbacAuthorizer.requireAllowed(a, d);
    } catch (ApiException e) {
      log.warn("{} was refused: {}", user.username(), e.getMessage());
      audit(verb, type, ns, name, subresource, d, e, received);
      throw e;
    }
    if (!AuditEvent.isAudited(verb, 200)) {
      return RequestUser.callAs(user, call);
    }
    try {
      T result = RequestUser.callAs(user, call);
      if (name.isEmpty() && result instanceof ObjectNode created) {
        objectName = Meta.name(created);
      }
      audit(verb, type, ns, objectName, subresource, d, null, received);
      return result;
    } catch (ApiException e) {
      audit(verb, type, ns, name, subresource, d, e, received);
      throw e;
    }
  }

  /** The call in the audit log, as its HTTP request; a create's name goes in the object reference as upstream's. */
  private void audit(String verb, ResourceType type, String namespace, String name, String subresource, Decision d,
      ApiException failure, Instant received) {
    boolean create = verb.equals("create") && subresource.isEmpty();
    String path = ComponentRequest.path(type, namespace, create ? "" : name, subresource);
    int status = failure != null ? failure.code() : verb.equals("create") ? 201 : 200;
    audit.record(new ComponentRequest(ComponentRequest.method(verb), path, user, status,
        failure == null ? null : failure.toStatus(), create ? name : null, d), received);
  }

  @Override
  public ObjectNode get(ResourceType type, String namespace, String name) {
    return as("get", type, "", namespace, name, () -> inner.get(type, namespace, name));
  }

  @Override
  public ObjectList list(ResourceType type, String namespace, ListOptions options) {
    return as("list", type, "", namespace, "", () -> inner.list(type, namespace, options));
  }

  @Override
  public Watch watch(ResourceType type, String namespace, ListOptions options) {
    return as("watch", type, "", namespace, "", () -> inner.watch(type, namespace, options));
  }

  @Override
  public ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
    return as("create", type, "", namespace, "", () -> inner.create(type, namespace, object));
  }

  @Override
  public ObjectNode update(ResourceType type, ObjectNode object) {
    return as("update", type, "", Meta.namespace(object), Meta.name(object), () -> inner.update(type, object));
  }

  @Override
  public ObjectNode updateStatus(ResourceType type, ObjectNode object) {
    return as("update", type, "status", Meta.namespace(object), Meta.name(object), () -> inner.updateStatus(type, object));
  }

  @Override
  public ObjectNode resize(ObjectNode pod) {
    return as("update", Types.PODS, "resize", Meta.namespace(pod), Meta.name(pod), () -> inner.resize(pod));
  }

  @Override
  public ObjectNode patch(ResourceType type, String namespace, String name, String patchType, JsonNode patch) {
    return as("patch", type, "", namespace, name, () -> inner.patch(type, namespace, name, patchType, patch));
  }

  @Override
  public void bind(String namespace, String podName, String nodeName) {
    as("create", Types.PODS, "binding", namespace, podName, () -> {
      inner.bind(namespace, podName, nodeName);
      return null;
    });
  }

  @Override
  public ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest) {
    return as("create", Types.SERVICE_ACCOUNTS, "token", namespace, serviceAccount,
        () -> inner.requestToken(namespace, serviceAccount, tokenRequest));
  }

  @Override
  public ObjectNode delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    return as("delete", type, "", namespace, name, () -> inner.delete(type, namespace, name, options));
  }
}
