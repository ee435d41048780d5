package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import java.util.List;
import java.util.Optional;

/** A pod's ConfigMaps, Secrets, claims, volumes and Services, read through the API as a kubelet reads them. */
public final class ClientPodResources implements PodResources {
  private final Client client;

  public ClientPodResources(Client client) {
    this.client = client;
  }

  @Override
  public Optional<ObjectNode> configMap(String namespace, String name) {
    return client.find(Types.CONFIG_MAPS, namespace, name);
  }

  @Override
  public Optional<ObjectNode> secret(String namespace, String name) {
    return client.find(Types.SECRETS, namespace, name);
  }

  @Override
  public Optional<ObjectNode> claim(String namespace, String name) {
    return client.find(Types.PERSISTENT_VOLUME_CLAIMS, namespace, name);
  }

  @Override
  public Optional<ObjectNode> volume(String name) {
    return client.find(Types.PERSISTENT_VOLUMES, null, name);
  }

  @Override
  public List<ObjectNode> services(String namespace) {
    return client.list(Types.SERVICES, namespace, ListOptions.ALL).items();
  }

  @Override
  public ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest) {
    return client.requestToken(namespace, serviceAccount, tokenRequest);
  }
}
