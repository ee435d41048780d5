package dev.ordinal.controllers.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
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
 * Keeps the {@code default} ServiceAccount and the {@code kube-root-ca.crt} ConfigMap in every
 * namespace: a namespace is looked at when it appears and whenever one of the two changes or goes,
 * and {@link ServiceAccountsPlanner} says what to write.
 */
public final class ServiceAccountsController implements AutoCloseable {
  private final Client client;
  private final String caPem;
  private final Informer namespaces;
  private final Informer serviceAccounts;
  private final Informer configMaps;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  /** @param caPem the cluster CA certificate (PEM), what pods verify the API server with */
  public ServiceAccountsController(Client client, String caPem) {
    this.client = client;
    this.caPem = caPem;
    this.namespaces = new Informer(client, Types.NAMESPACES).onChange((o, n, d) -> queue.add(Meta.name(n)));
    this.serviceAccounts = new Informer(client, Types.SERVICE_ACCOUNTS).onChange((o, sa, d) -> {
      if (Meta.name(sa).equals(ServiceAccountsPlanner.DEFAULT)) {
        queue.add(Meta.namespace(sa));
      }
    });
    this.configMaps = new Informer(client, Types.CONFIG_MAPS).onChange((o, cm, d) -> {
      if (Meta.name(cm).equals(ServiceAccountsPlanner.ROOT_CA)) {
        queue.add(Meta.namespace(cm));
      }
    });
    this.worker = new Worker("serviceaccounts", queue, this::sync, 1);
  }

  public void start() {
    for (Informer i : List.of(serviceAccounts, configMaps, namespaces)) {
      i.start();
    }
    worker.start();
  }

  /** One namespace; the informers must have listed first, else a missing object is only not seen yet. */
  Optional<Duration> sync(String ns) throws InterruptedException {
    for (Informer i : List.of(serviceAccounts, configMaps, namespaces)) {
      i.awaitSynced(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    var actions = ServiceAccountsPlanner.plan(namespaces.get(null, ns).orElse(null),
        serviceAccounts.get(ns, ServiceAccountsPlanner.DEFAULT).orElse(null),
        configMaps.get(ns, ServiceAccountsPlanner.ROOT_CA).orElse(null), caPem);
    for (ServiceAccountsPlanner.Action a : actions) {
      try {
        switch (a) {
          case ServiceAccountsPlanner.CreateServiceAccount c -> client.create(Types.SERVICE_ACCOUNTS, ns, c.serviceAccount());
          case ServiceAccountsPlanner.CreateRootCa c -> client.create(Types.CONFIG_MAPS, ns, c.configMap());
          case ServiceAccountsPlanner.UpdateRootCa u -> client.update(Types.CONFIG_MAPS, u.configMap());
        }
      } catch (ApiException e) {
        if (e.code() == 409) {
          queue.addRateLimited(ns); // raced with another writer: look again at what is there
        } else if (e.code() != 403 && e.code() != 404) {
          throw e;
        } // 403/404: the namespace is terminating or gone; nothing to keep
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    worker.close();
    for (Informer i : List.of(namespaces, serviceAccounts, configMaps)) {
      i.close();
    }
  }
}
