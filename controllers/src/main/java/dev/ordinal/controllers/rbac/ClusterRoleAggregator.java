package dev.ordinal.controllers.rbac;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.client.Client;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.controllers.runtime.WorkQueue;
import dev.ordinal.controllers.runtime.Worker;
import java.time.Duration;
import java.util.Optional;

/**
 * Upstream's clusterrole-aggregation controller: keeps the rules of every ClusterRole with an
 * aggregationRule equal to what {@link AggregationPlanner} gathers. Any ClusterRole change wakes
 * every aggregated one, since a label change can add or remove a role from any selection.
 */
public final class ClusterRoleAggregator implements AutoCloseable {
  private final Client client;
  private final Informer roles;
  private final WorkQueue<String> queue = new WorkQueue<>();
  private final Worker worker;

  public ClusterRoleAggregator(Client client) {
    this.client = client;
    this.roles = new Informer(client, Types.CLUSTER_ROLES).onChange((o, n, d) -> wakeAggregated());
    this.worker = new Worker("clusterrole-aggregation", queue, this::sync, 1);
  }

  public void start() {
    roles.start();
    worker.start();
  }

  private void wakeAggregated() {
    for (ObjectNode r : roles.all()) {
      if (r.path("aggregationRule").path("clusterRoleSelectors").size() > 0) {
        queue.add(Meta.name(r));
      }
    }
  }

  Optional<Duration> sync(String name) throws InterruptedException {
    roles.awaitSynced(30, java.util.concurrent.TimeUnit.SECONDS);
    ObjectNode role = roles.get(null, name).orElse(null);
    if (role == null) {
      return Optional.empty();
    }
    ArrayNode rules = AggregationPlanner.plan(role, java.util.List.copyOf(roles.all()));
    if (rules == null) {
      return Optional.empty();
    }
    ObjectNode updated = role.deepCopy();
    updated.set("rules", rules);
    try {
      client.update(Types.CLUSTER_ROLES, updated);
    } catch (ApiException e) {
      if (e.code() == 409) {
        queue.addRateLimited(name);
      } else if (e.code() != 404) {
        throw e;
      }
    }
    return Optional.empty();
  }

  @Override
  public void close() {
    worker.close();
    roles.close();
  }
}
