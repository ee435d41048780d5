package dev.ordinal.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Optional;

/** What the DNS answers from: Services, their Endpoints, and pods, as the informers hold them. */
interface ClusterView {
  Optional<ObjectNode> service(String namespace, String name);

  Optional<ObjectNode> endpoints(String namespace, String name);

  Collection<ObjectNode> pods(String namespace);

  Collection<ObjectNode> allPods();

  Collection<ObjectNode> allServices();
}
