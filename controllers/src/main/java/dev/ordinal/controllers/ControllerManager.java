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
    ControllerManager m = new ControllerManager();
    GarbageCollector gc = new GarbageCollector(client, ResourceCatalog.standard());
    m.add(gc, gc::start);
    NamespaceController ns = new NamespaceController(client, ResourceCatalog.standard());
    m.add(ns, ns::start);
    StatefulSetController sts = new StatefulSetController(client);
    m.add(sts, sts::start);
    for (ReplicaSetKind kind : ReplicaSetKind.values()) {
      ReplicaSetController rs = new ReplicaSetController(client, kind);
      m.add(rs, rs::start);
    }
    DeploymentController deployments = new DeploymentController(client);
    m.add(deployments, deployments::start);
    dev.ordinal.controllers.job.JobController jobs = new dev.ordinal.controllers.job.JobController(client);
    m.add(jobs, jobs::start);
    dev.ordinal.controllers.cronjob.CronJobController cronJobs = new dev.ordinal.controllers.cronjob.CronJobController(client);
    m.add(cronJobs, cronJobs::start);
    EndpointsController endpoints = new EndpointsController(client);
    m.add(endpoints, endpoints::start);
    DisruptionController disruption = new DisruptionController(client);
    m.add(disruption, disruption::start);
    dev.ordinal.controllers.rbac.ClusterRoleAggregator aggregation = new dev.ordinal.controllers.rbac.ClusterRoleAggregator(client);
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
