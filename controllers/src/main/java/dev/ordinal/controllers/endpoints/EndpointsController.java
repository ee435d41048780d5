package dev.ordinal.controllers.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Kubernetes' endpoints and EndpointSlice controllers in one: for every Service with a selector,
 * keeps its Endpoints and its EndpointSlice equal to what {@link EndpointsPlanner} makes of the pods
 * it selects, on every Service and pod change; written only when they differ.
 */
public final class EndpointsController implements AutoCloseable {
  private final Client client;
  private final Informer services;
  private final Informer pods;
  private final Informer endpoints;
  private final Informer slices;
  private final WorkQueue<String> queue = new WorkQueue<>();
  /** Services seen deleted whose Endpoints are still to be deleted. */
  private final java.util.Set<String> deleted = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Worker worker;

  public EndpointsController(Client client) {
    this.client = client;
    this.services = new Informer(client, Types.SERVICES).onChange((o, s, d) -> {
      if (d) {
        deleted.add(Informer.key(s));
      }
      queue.add(Informer.key(s));
    });
    // a pod change concerns the Services of its namespace (a few on one machine): each takes one look
    this.pods = new Informer(client, Types.PODS).onChange((o, p, d) -> services.inNamespace(Meta.namespace(p))
        .forEach(s -> queue.add(Informer.key(s))));
    this.endpoints = new Informer(client, Types.ENDPOINTS).onChange((o, e, d) -> queue.add(Informer.key(e)));
    this.slices = new Informer(client, Types.ENDPOINT_SLICES);
    this.worker = new Worker("endpoints", queue, this::sync, 2);
  }

  public void start() {
    for (Informer i : List.of(services, pods, endpoints, slices)) {
      i.start();
    }
    worker.start();
  }

  Optional<Duration> sync(String key) {
    String ns = key.substring(0, key.indexOf('/'));
    String name = key.substring(key.indexOf('/') + 1);
    ObjectNode service = services.get(ns, name).orElse(null);
    if (service == null) {
      // The Endpoints and slice written here go with their Service by owner reference. Endpoints a
      // user or a program wrote for a Service without a selector (Patroni's leader key) have none:
      // upstream's controller deletes the Endpoints of the Service's name when it sees the Service
      // go. Endpoints without a Service are otherwise left alone (Patroni's pg-sync).
      if (deleted.remove(key)) {
        try {
          client.delete(Types.ENDPOINTS, ns, name, DeleteOptions.withPropagation("Background"));
        } catch (ApiException e) {
          if (e.code() != 404) {
            deleted.add(key);
            throw e;
          }
        }
      }
      return Optional.empty();
    }
    deleted.remove(key);
    JsonNode selector = service.path("spec").path("selector");
    if (!selector.isObject() || selector.isEmpty()) {
      return Optional.empty(); // a Service without a selector keeps the Endpoints its user writes
    }
    List<ObjectNode> selected = EndpointsPlanner.selected(service, pods.inNamespace(ns));
    ObjectNode ep = EndpointsPlanner.endpoints(service, selected);
    ObjectNode owner = Meta.of(ep);
    owner.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Service").put("name", name)
        .put("uid", Meta.uid(service)).put("controller", true).put("blockOwnerDeletion", true);
    write(Types.ENDPOINTS, endpoints.get(ns, name).orElse(null), ep);
    write(Types.ENDPOINT_SLICES, slices.get(ns, name).orElse(null), EndpointsPlanner.slice(service, selected));
    return Optional.empty();
  }

  /** Creates or updates the object when what it says differs from what is stored. */
  private void write(ResourceType type, ObjectNode current, ObjectNode wanted) {
    try {
      if (current == null) {
        client.create(type, Meta.namespace(wanted), wanted);
        return;
      }
      ObjectNode merged = current.deepCopy();
      boolean changed = false;
      for (String field : List.of("subsets", "endpoints", "ports", "addressType")) {
        JsonNode w = wanted.path(field);
        JsonNode c = current.path(field);
        if (!w.equals(c) && !(w.isMissingNode() && c.isMissingNode())) {
          changed = true;
          if (w.isMissingNode()) {
            merged.remove(field);
          } else {
            merged.set(field, w);
          }
        }
      }
      if (!Meta.of(wanted).path("labels").equals(Meta.of(current).path("labels"))) {
        changed = true;
        Meta.of(merged).set("labels", Meta.of(wanted).path("labels"));
      }
      if (changed) {
        client.update(type, merged);
      }
    } catch (ApiException e) {
      if (e.code() != 409 && e.code() != 404) {
        throw e;
      }
      queue.addRateLimited(Meta.namespace(wanted) + "/" + Meta.name(wanted));
    }
  }

  @Override
  public void close() {
    worker.close();
    for (Informer i : List.of(services, pods, endpoints, slices)) {
      i.close();
    }
  }
}
