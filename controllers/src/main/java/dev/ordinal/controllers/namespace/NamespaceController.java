package dev.ordinal.controllers.namespace;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.ServedTypes;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.util.Optional;

/**
 * Empties a namespace that is being deleted: deletes every namespaced object in it, waits until
 * they are gone (pods may take their grace period), then removes the {@code kubernetes}
 * finalizer from {@code spec.finalizers}, which lets the API server remove the namespace.
 */
public final class NamespaceController implements AutoCloseable {
  static final String FINALIZER = "kubernetes";

  private final Client client;
  private final ResourceCatalog catalog;
  private final Informer namespaces;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;
  private final EventRecorder events;

  public NamespaceController(Client client, ResourceCatalog catalog) {
    this.client = client;
    this.events = new EventRecorder(client, "namespace-controller");
    this.catalog = catalog;
    this.namespaces = new Informer(client, Types.NAMESPACES).onChange((old, cur, deleted) -> {
      if (!deleted && Meta.isDeleting(cur)) {
        queue.add(Meta.name(cur));
      }
    });
    this.worker = new Worker("namespace", queue, this::reconcile, 1);
  }

  public void start() {
    namespaces.start();
    worker.start();
  }

  Optional<Duration> reconcile(String name) {
    Optional<ObjectNode> ns = client.find(Types.NAMESPACES, null, name);
    if (ns.isEmpty() || !Meta.isDeleting(ns.get())) {
      return Optional.empty();
    }
    int remaining = 0;
    // custom resources too: the CRDs served now, listed at each pass as upstream reads discovery
    for (ResourceType t : ServedTypes.listNow(client, catalog)) {
      if (!t.namespaced()) {
        continue;
      }
      for (ObjectNode obj : client.list(t, name, ListOptions.ALL).items()) {
        remaining++;
        if (!Meta.isDeleting(obj)) {
          try {
            client.delete(t, name, Meta.name(obj), DeleteOptions.withPropagation("Background"));
          } catch (ApiException e) {
            if (e.code() != 404) {
              events.warning(ns.get(), "NamespaceDeletionContentFailure",
                  "Failed to delete " + t.kind() + " " + Meta.name(obj) + ": " + e.getMessage());
              throw e;
            }
          }
        }
      }
    }
    if (remaining > 0) {
      return Optional.of(Duration.ofMillis(500));
    }
    ObjectNode obj = ns.get();
    obj.with("spec").remove("finalizers");
    client.update(Types.NAMESPACES, obj);
    return Optional.empty();
  }

  @Override
  public void close() {
    worker.close();
    namespaces.close();
  }
}
