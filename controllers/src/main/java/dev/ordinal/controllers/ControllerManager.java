package dev.ordinal.controllers;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.client.Client;
import dev.ordinal.controllers.disruption.DisruptionController;
import dev.ordinal.controllers.endpoints.EndpointsController;
import dev.ordinal.controllers.deployment.DeploymentController;
import dev.ordinal.controllers.gc.GarbageCollector;
import dev.ordinal.controllers.namespace.NamespaceController;
import dev.ordinal.controllers.replicaset.ReplicaSetController;
import dev.ordinal.controllers.replicaset.ReplicaSetKind;
import dev.ordinal.controllers.statefulset.StatefulSetController;
import java.util.ArrayList;
import java.util.List;

/** Starts and stops the controllers that run in the control plane. */
public final class ControllerManager implements AutoCloseable {
  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<Runnable> starters = new ArrayList<>();

  /** The standard set: garbage collector, namespace lifecycle, StatefulSets, ReplicaSets and ReplicationControllers, Deployments, Endpoints and EndpointSlices, disruption budgets. */
  public static ControllerManager standard(Client client) {
    return standard(name -> client);
  }

  /**
   * The standard controllers, each with the client of its own identity: {@code clients} maps
   * upstream's controller names (kube-controller-manager's ServiceAccounts, e.g.
   * {@code deployment-controller}) to a client acting as it.
   */
  public static ControllerManager standard(java.util.function.Function<String, Client> clients) {
    ControllerManager m = new ControllerManager();
    GarbageCollector gc = new GarbageCollector(clients.apply("generic-garbage-collector"), ResourceCatalog.standard());
    m.add(gc, gc::start);
    NamespaceController ns = new NamespaceController(clients.apply("namespace-controller"), ResourceCatalog.standard());
    m.add(ns, ns::start);
    StatefulSetController sts = new StatefulSetController(clients.apply("statefulset-controller"));
    m.add(sts, sts::start);
    for (ReplicaSetKind kind : ReplicaSetKind.values()) {
      ReplicaSetController rs = new ReplicaSetController(clients.apply("replicaset-controller"), kind);
      m.add(rs, rs::start);
    }
    DeploymentController deployments = new DeploymentController(clients.apply("deployment-controller"));
    m.add(deployments, deployments::start);
    dev.ordinal.controllers.job.JobController jobs = new dev.ordinal.controllers.job.JobController(clients.apply("job-controller"));
    m.add(jobs, jobs::start);
    dev.ordinal.controllers.cronjob.CronJobController cronJobs =
        new dev.ordinal.controllers.cronjob.CronJobController(clients.apply("cronjob-controller"));
    m.add(cronJobs, cronJobs::start);
    EndpointsController endpoints = new EndpointsController(clients.apply("endpoint-controller"));
    m.add(endpoints, endpoints::start);
    DisruptionController disruption = new DisruptionController(clients.apply("disruption-controller"));
    m.add(disruption, disruption::start);
    dev.ordinal.controllers.rbac.ClusterRoleAggregator aggregation =
        new dev.ordinal.controllers.rbac.ClusterRoleAggregator(clients.apply("clusterrole-aggregation-controller"));
    m.add(aggregation, aggregation::start);
    return m;
  }

  public void add(AutoCloseable controller, Runnable start) {
    running.add(controller);
    starters.add(start);
  }

  public void start() {
    starters.forEach(Runnable::run);
  }

  @Override
  public void close() {
    for (AutoCloseable c : running.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        // stopping is best effort
      }
    }
  }
}
