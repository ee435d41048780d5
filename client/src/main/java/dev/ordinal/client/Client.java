package dev.ordinal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.ObjectList;
import java.util.Optional;

/**
 * How every component but the API server reaches the API. Objects are JSON trees as the API
 * serves them; use {@code Json.convert} for a typed view. Every method fails with an unchecked
 * {@code ApiException} carrying the API's Status (404 NotFound, 409 Conflict, 422 Invalid, …).
 *
 * <p>Implementations: {@link InProcessClient} (same process, no serialization); an HTTP one for
 * remote agents comes with multi-node support.
 */
public interface Client {

  /** @throws dev.ordinal.apiserver.errors.ApiException 404 when absent */
  ObjectNode get(ResourceType type, String namespace, String name);

  /** The object, or empty when absent. */
  default Optional<ObjectNode> find(ResourceType type, String namespace, String name) {
    try {
      return Optional.of(get(type, namespace, name));
    } catch (dev.ordinal.apiserver.errors.ApiException e) {
      if (e.code() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** @param namespace null for all namespaces (or a cluster-scoped type) */
  ObjectList list(ResourceType type, String namespace, ListOptions options);

  /** Watches changes; {@code options.resourceVersion()} is where to start ("" sends the current state first). */
  Watch watch(ResourceType type, String namespace, ListOptions options);

  /** @throws dev.ordinal.apiserver.errors.ApiException 409 AlreadyExists, 422 Invalid */
  ObjectNode create(ResourceType type, String namespace, ObjectNode object);

  /** Replaces the object; its resourceVersion, when set, must be current (else 409 Conflict). */
  ObjectNode update(ResourceType type, ObjectNode object);

  /** Replaces the object's status only. */
  ObjectNode updateStatus(ResourceType type, ObjectNode object);

  /**
   * Replaces a pod's containers' resources and resizePolicy through {@code pods/resize} (in-place
   * resize); everything else of {@code pod} is ignored. Its resourceVersion, when set, must be current.
   */
  ObjectNode resize(ObjectNode pod);

  /** Applies a patch of {@code patchType} (a Content-Type, e.g. application/merge-patch+json). */
  ObjectNode patch(ResourceType type, String namespace, String name, String patchType, JsonNode patch);

  /**
   * Assigns a pod to a node through {@code pods/binding}, as schedulers do.
   *
   * @throws dev.ordinal.apiserver.errors.ApiException 409 when the pod is already bound
   */
  void bind(String namespace, String podName, String nodeName);

  /**
   * {@code POST serviceaccounts/NAME/token}: a token for the ServiceAccount, as the node agent asks
   * for the tokens of its pods' projected volumes.
   *
   * @param tokenRequest an authentication.k8s.io/v1 TokenRequest (spec: audiences, expirationSeconds, boundObjectRef)
   * @return the TokenRequest with status.token and status.expirationTimestamp
   * @throws dev.ordinal.apiserver.errors.ApiException 404 when the ServiceAccount or the bound object is absent
   */
  ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest);

  /** Deletes, or marks for deletion when finalizers or a grace period hold the object. */
  ObjectNode delete(ResourceType type, String namespace, String name, DeleteOptions options);
}
