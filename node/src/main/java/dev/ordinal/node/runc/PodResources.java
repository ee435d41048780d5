package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/** The API objects a pod's containers draw on: ConfigMaps, Secrets, bound volumes and Services. */
public interface PodResources {
  Optional<ObjectNode> configMap(String namespace, String name);

  Optional<ObjectNode> secret(String namespace, String name);

  Optional<ObjectNode> claim(String namespace, String name);

  Optional<ObjectNode> volume(String name);

  /** The Services of a namespace, for the containers' service variables. */
  List<ObjectNode> services(String namespace);

  /**
   * A token for a projected {@code serviceAccountToken} source: {@code POST serviceaccounts/NAME/token}.
   *
   * @return the TokenRequest answered (status.token, status.expirationTimestamp)
   * @throws dev.ordinal.apiserver.errors.ApiException when the API refuses
   */
  default ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest) {
    throw new UnsupportedOperationException("no TokenRequest API here");
  }
}
