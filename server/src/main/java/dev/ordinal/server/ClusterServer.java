package dev.ordinal.server;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.ApiServer;
import dev.ordinal.apiserver.audit.AuditLog;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.controllers.ControllerManager;
import dev.ordinal.controllers.apiserverlease.ApiServerLeases;
import dev.ordinal.controllers.leaderelection.LeaderElectionPlanner;
import dev.ordinal.controllers.leaderelection.LeaderElector;
import dev.ordinal.controllers.nodelifecycle.NodeLifecycleController;
import dev.ordinal.controllers.nodelifecycle.NodeLifecyclePlanner;
import dev.ordinal.controllers.serviceaccount.ServiceAccountsController;
import dev.ordinal.controllers.volume.DirectoryBacking;
import dev.ordinal.controllers.volume.LocalPathProvisioner;
import dev.ordinal.controllers.volume.PersistentVolumeBinder;
import dev.ordinal.controllers.volume.VolumeExpander;
import dev.ordinal.node.routes.HostRoutes;
import dev.ordinal.scheduler.Scheduler;
import dev.ordinal.scheduler.daemonset.DaemonSetController;
import dev.ordinal.scheduler.taints.TaintEvictionController;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.etcd.EtcdStorage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * {@code ordinal server}: the control plane without a node, one of any number on one etcd. Every
 * one serves the API and keeps its identity Lease and the {@code kubernetes} Endpoints
 * ({@link ApiServerLeases}); the controllers (with the garbage collector) run only while this
 * server holds {@code kube-system/kube-controller-manager}, the scheduler only while it holds
 * {@code kube-system/kube-scheduler} ({@link LeaderElector}, upstream's 15/10/2 s). Each time it
 * comes to lead, the components are made afresh: a component stopped once is not started again.
 */
public final class ClusterServer implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ClusterServer.class);
  static final String CONTROLLER_MANAGER_LEASE = "kube-controller-manager";
  static final String SCHEDULER_LEASE = "kube-scheduler";

  private final Storage storage;
  private final ApiServer api;
  private final ApiServerLeases apiserverLease;
  private final LeaderElector controllerElector;
  private final LeaderElector schedulerElector;
  private final HostRoutes routes;

  private ClusterServer(Storage storage, ApiServer api, ApiServerLeases apiserverLease, LeaderElector controllers,
      LeaderElector scheduler, HostRoutes routes) {
    this.routes = routes;
    this.storage = storage;
    this.api = api;
    this.apiserverLease = apiserverLease;
    this.controllerElector = controllers;
    this.schedulerElector = scheduler;
  }

  /**
   * @param advertise the address other servers, agents and pods reach this one at (the
   *     {@code kubernetes} Endpoints' address); {@code listen} when it is a host address
   * @param routePods keep host-gw routes on this host to every node's pod range (root), so that
   *     port-forwards, which the API server opens to the pod's address itself, reach agents' pods
   */
  public static ClusterServer start(DataDir dir, String listen, int port, String advertise, ControlPlane.StorageOptions stored,
      ControlPlane.ClusterOptions cluster, ControlPlane.AuditOptions audit, LeaderElectionPlanner.Config election,
      boolean routePods) throws Exception {
    if (stored.etcd() == null) {
      throw new IllegalArgumentException("ordinal server keeps its state in etcd: give --etcd-endpoints");
    }
    Storage storage = stored.open(dir);
    ApiServer api = null;
    ApiServerLeases lease = null;
    LeaderElector controllers = null;
    try {
      ServingCertificate cert = ServingCertificate.ensure(dir.root().resolve("tls"), listen,
          advertise.equals(listen) ? List.of() : List.of(advertise));
      ClusterSecrets.check(storage, dir);
      api = new ApiServer(storage, ResourceCatalog.standard(), listen, port, dir.token(), cert.tls(), dir.serviceAccountKey());
      api.auditTo(new AuditLog(dir.auditLog(), audit.maxSizeMegabytes() * 1024 * 1024, audit.maxBackups()));
      api.registry().enableServiceAccountAdmission(cert.pem());
      ClusterCa ca = ClusterCa.load(dir.root().resolve("tls"));
      InProcessClient client = new InProcessClient(api.registry());
      api.serveInFront(new JoinEndpoint(ca, client));
      api.start();
      Bootstrap.ensureSystemObjects(client);
      Bootstrap.ensureKubernetesServiceObject(client, api.port());
      // no node of its own: every node is an agent, reached over its own endpoint
      api.nodes().reachRemoteAgents(RemoteAgents.of(client, "", ca));
      String host = NodeNames.local();
      lease = new ApiServerLeases(client, host, advertise + ":" + api.port());
      lease.start();
      String identity = host + "_" + UUID.randomUUID(); // upstream's holderIdentity: host name and a uuid
      String caPem = cert.pem();
      controllers = new LeaderElector(client, ApiServerLeases.NAMESPACE, CONTROLLER_MANAGER_LEASE, identity, election,
          new Components(() -> controllerManager(client, dir, cluster, caPem)));
      controllers.start();
      LeaderElector scheduler = new LeaderElector(client, ApiServerLeases.NAMESPACE, SCHEDULER_LEASE, identity, election,
          new Components(() -> {
            ControllerManager m = new ControllerManager();
            Scheduler s = new Scheduler(client.as(ComponentIdentities.SCHEDULER));
            m.add(s, s::start);
            return m;
          }));
      scheduler.start();
      HostRoutes routes = null;
      if (routePods) {
        routes = new HostRoutes(client, ""); // no node of its own: a route to every node's range
        routes.start();
      }
      ClusterServer server = new ClusterServer(storage, api, lease, controllers, scheduler, routes);
      DataDir.writePrivate(dir.kubeconfig(), Kubeconfig.render(server.serverUrl(), caPem, dir.token()));
      // every server may compact: they agree through compact_rev_key, as kube-apiservers do
      ((EtcdStorage) storage).startCompaction(Duration.ofMinutes(5));
      api.prepareOpenApi();
      return server;
    } catch (Exception | Error e) {
      if (controllers != null) {
        controllers.close(false);
      }
      if (lease != null) {
        lease.close(false);
      }
      if (api != null) {
        api.close();
      }
      storage.close();
      throw e;
    }
  }

  /** What kube-controller-manager runs: {@link ControllerManager#standard} and the controllers {@link ControlPlane} adds, less any node's own. */
  private static ControllerManager controllerManager(InProcessClient client, DataDir dir, ControlPlane.ClusterOptions cluster,
      String caPem) {
    try {
      ControllerManager m = ControllerManager.standard(name -> client.as(ComponentIdentities.controller(name)));
      NodeLifecycleController lifecycle = new NodeLifecycleController(client.as(ComponentIdentities.controller("node-controller")),
          cluster.clusterCidr(), cluster.nodeMask(), NodeLifecyclePlanner.GRACE);
      m.add(lifecycle, lifecycle::start);
      ServiceAccountsController serviceAccounts = new ServiceAccountsController(
          client.as(ComponentIdentities.controller("service-account-controller")), caPem);
      m.add(serviceAccounts, serviceAccounts::start);
      var volumes = client.as(ComponentIdentities.controller("persistent-volume-binder"));
      DirectoryBacking backing = new DirectoryBacking(dir.volumes());
      // local-path volumes are a node's; this server has none, so its provisioner only ever binds
      LocalPathProvisioner provisioner = new LocalPathProvisioner(volumes, NodeNames.local(), backing);
      m.add(provisioner, provisioner::start);
      VolumeExpander expander = new VolumeExpander(volumes, backing, NodeNames.local());
      m.add(expander, expander::start);
      PersistentVolumeBinder binder = new PersistentVolumeBinder(volumes, provisioner);
      m.add(binder, binder::start);
      TaintEvictionController taintEviction = new TaintEvictionController(client.as(ComponentIdentities.controller("taint-eviction-controller")));
      m.add(taintEviction, taintEviction::start);
      DaemonSetController daemonSets = new DaemonSetController(client.as(ComponentIdentities.controller("daemon-set-controller")));
      m.add(daemonSets, daemonSets::start);
      return m;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A set of components made afresh for each term of leadership. */
  private static final class Components implements LeaderElector.Leading {
    private final Supplier<ControllerManager> make;
    private final ReentrantLock lock = new ReentrantLock();
    private ControllerManager running;

    Components(Supplier<ControllerManager> make) {
      this.make = make;
    }

    @Override
    public void start() {
      lock.lock();
      try {
        running = make.get();
        running.start();
      } catch (RuntimeException e) {
        log.error("starting the components failed: {}", e.toString());
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void stop() {
      lock.lock();
      try {
        if (running != null) {
          running.close();
          running = null;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  public boolean leadsControllers() {
    return controllerElector.isLeader();
  }

  public boolean leadsScheduler() {
    return schedulerElector.isLeader();
  }

  public String serverUrl() {
    return api.url();
  }

  public int port() {
    return api.port();
  }

  /** Stops, handing the Leases over at once (client-go's ReleaseOnCancel) and leaving the Endpoints. */
  @Override
  public void close() {
    controllerElector.close(true);
    schedulerElector.close(true);
    apiserverLease.close(true);
    if (routes != null) {
      routes.close();
    }
    api.close();
    storage.close();
  }
}
