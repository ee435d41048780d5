package dev.ordinal.server;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.ApiServer;
import dev.ordinal.apiserver.audit.AuditLog;
import dev.ordinal.client.Client;
import dev.ordinal.apiserver.authz.NodeAuthorizer;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.controllers.ControllerManager;
import dev.ordinal.controllers.serviceaccount.ServiceAccountsController;
import dev.ordinal.controllers.volume.DirectoryBacking;
import dev.ordinal.controllers.snapshot.SnapshotController;
import dev.ordinal.controllers.volume.LocalPathProvisioner;
import dev.ordinal.controllers.volume.VolumeBacking;
import dev.ordinal.controllers.volume.VolumeExpander;
import dev.ordinal.controllers.volume.PersistentVolumeBinder;
import dev.ordinal.dns.ClusterDns;
import dev.ordinal.controllers.nodelifecycle.NodeLifecycleController;
import dev.ordinal.controllers.nodelifecycle.NodeLifecyclePlanner;
import dev.ordinal.node.NodeAgent;
import dev.ordinal.node.routes.HostRoutes;
import dev.ordinal.node.ServiceRoutes;
import dev.ordinal.node.proxy.ServiceProxy;
import dev.ordinal.node.runc.ClientPodResources;
import dev.ordinal.node.runc.LoopVolumes;
import dev.ordinal.node.runc.RuncRuntime;
import dev.ordinal.node.runtime.ContainerRuntime;
import dev.ordinal.node.sim.SimulatedRuntime;
import dev.ordinal.scheduler.Scheduler;
import dev.ordinal.scheduler.daemonset.DaemonSetController;
import dev.ordinal.scheduler.taints.TaintEvictionController;
import dev.ordinal.storage.SqliteStorage;
import dev.ordinal.storage.etcd.EtcdConfig;
import dev.ordinal.storage.etcd.EtcdStorage;
import dev.ordinal.storage.Storage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Storage, API server and controllers wired together: what {@code ordinal up} runs, and what
 * integration tests and benchmarks start in-process.
 */
public final class ControlPlane implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ControlPlane.class);
  private final Storage storage;
  private final ApiServer api;
  private final ControllerManager controllers;
  private final DataDir dir;

  /** What runs pods on this machine: nothing, simulated pods, or real containers (runc, as root). */
  public enum Runtime {
    NONE,
    SIMULATED,
    RUNC
  }

  private ControlPlane(DataDir dir, Storage storage, ApiServer api, ControllerManager controllers) {
    this.dir = dir;
    this.storage = storage;
    this.api = api;
    this.controllers = controllers;
  }

  /** Opens the store, serves the API, starts the controllers and writes the kubeconfig. */
  public static ControlPlane start(DataDir dir, String listen, int port) throws Exception {
    return start(dir, listen, port, Runtime.NONE);
  }

  /** As {@link #start(DataDir, String, int)}, with a node agent on this machine when a runtime is given. */
  public static ControlPlane start(DataDir dir, String listen, int port, Runtime runtime) throws Exception {
    return start(dir, listen, port, runtime, NodeOptions.DEFAULT);
  }

  /**
   * How the runc node is set up: its pod network, whether privileged containers may run, where
   * the cluster DNS also answers on the host, whether it logs each query, and the containers' log
   * rotation (kubelet's containerLogMaxSize and containerLogMaxFiles).
   */
  public record NodeOptions(String podCidr, boolean allowPrivileged, String dnsListen, boolean dnsLog, long containerLogMaxSize,
      int containerLogMaxFiles) {
    public static final NodeOptions DEFAULT = new NodeOptions("10.88.0.0/16", false, "127.0.0.1:10053", false, 10L * 1024 * 1024, 5);

    public NodeOptions(String podCidr, boolean allowPrivileged, String dnsListen) {
      this(podCidr, allowPrivileged, dnsListen, false, DEFAULT.containerLogMaxSize(), DEFAULT.containerLogMaxFiles());
    }
  }

  /** The audit log's rotation: at {@code maxSizeMegabytes} (0: never), keeping {@code maxBackups} files (0: all). */
  public record AuditOptions(long maxSizeMegabytes, int maxBackups) {
    public static final AuditOptions DEFAULT = new AuditOptions(100, 5);
  }

  /** As {@link #start(DataDir, String, int, Runtime)}, with the node's options. */
  public static ControlPlane start(DataDir dir, String listen, int port, Runtime runtime, NodeOptions node) throws Exception {
    return start(dir, listen, port, runtime, node, AuditOptions.DEFAULT);
  }

  /**
   * Several hosts: this node's address (InternalIP, where other nodes route to its pods; null keeps
   * it on loopback, a one-machine cluster), the range node IPAM gives agents' nodes /{@code nodeMask}
   * parts of.
   */
  public record ClusterOptions(String nodeIp, String clusterCidr, int nodeMask) {
    public static final ClusterOptions DEFAULT = new ClusterOptions(null, "10.42.0.0/16", 24);
  }

  /**
   * Where the objects are kept: the data directory's SQLite file (the default), or etcd
   * ({@code --etcd-endpoints}).
   */
  public record StorageOptions(EtcdConfig etcd) {
    public static final StorageOptions SQLITE = new StorageOptions(null);

    Storage open(DataDir dir) throws IOException {
      return etcd == null ? SqliteStorage.open(dir.database()) : EtcdStorage.open(etcd);
    }
  }

  /** As {@link #start(DataDir, String, int, Runtime, NodeOptions)}, with the audit log's rotation. */
  public static ControlPlane start(DataDir dir, String listen, int port, Runtime runtime, NodeOptions node, AuditOptions audit)
      throws Exception {
    return start(dir, listen, port, runtime, node, audit, ClusterOptions.DEFAULT, StorageOptions.SQLITE);
  }

  /** As {@link #start(DataDir, String, int, Runtime, NodeOptions, AuditOptions)}, with the cluster's options and the store. */
  public static ControlPlane start(DataDir dir, String listen, int port, Runtime runtime, NodeOptions node, AuditOptions audit,
      ClusterOptions cluster, StorageOptions stored) throws Exception {
    Storage storage = stored.open(dir);
    ApiServer api = null;
    try {
      // pods reach the API on their bridge's address (runc only; never another host address by default)
      String podGateway = runtime == Runtime.RUNC ? RuncRuntime.gatewayOf(node.podCidr()) : null;
      ServingCertificate cert = ServingCertificate.ensure(dir.root().resolve("tls"), listen,
          podGateway == null ? List.of() : List.of(podGateway));
      api = new ApiServer(storage, ResourceCatalog.standard(), listen, port, dir.token(),
          cert.tls(), dir.serviceAccountKey());
      api.auditTo(new AuditLog(dir.auditLog(), audit.maxSizeMegabytes() * 1024 * 1024, audit.maxBackups()));
      api.registry().enableServiceAccountAdmission(cert.pem());
      ClusterCa ca = ClusterCa.load(dir.root().resolve("tls"));
      InProcessClient apiClient = new InProcessClient(api.registry());
      api.serveInFront(new JoinEndpoint(ca, apiClient));
      api.start();
      boolean wildcard = listen.equals("0.0.0.0") || listen.equals("::");
      if (podGateway != null && !wildcard && !listen.equals(podGateway)) {
        api.alsoListenOn(podGateway);
      }
      InProcessClient client = new InProcessClient(api.registry());
      Bootstrap.ensureSystemObjects(client);
      Bootstrap.ensureKubernetesService(client, podGateway != null ? podGateway : listen, api.port());
      // pods name the kube-dns Service (kubelet's --cluster-dns); only real pods have a DNS to reach
      String clusterDns = podGateway == null ? "" : Bootstrap.ensureKubeDnsService(client, podGateway).orElse("");
      String nodeName = NodeNames.local();
      api.nodes().reachRemoteAgents(RemoteAgents.of(client, nodeName, ca));
      NodeLifecycleController lifecycle = new NodeLifecycleController(client.as(ComponentIdentities.controller("node-controller")),
          cluster.clusterCidr(), cluster.nodeMask(), NodeLifecyclePlanner.GRACE);
      // every component acts as its own user with its own roles (bootstrap-policy.yaml); the
      // bootstrap above is the API server's own work
      ControllerManager controllers = ControllerManager.standard(name -> client.as(ComponentIdentities.controller(name)));
      controllers.add(lifecycle, lifecycle::start);
      ServiceAccountsController serviceAccounts = new ServiceAccountsController(
          client.as(ComponentIdentities.controller("service-account-controller")), cert.pem());
      controllers.add(serviceAccounts, serviceAccounts::start);
      // real pods get volumes of their claims' size (loop devices); simulated ones, directories
      VolumeBacking backing = runtime == Runtime.RUNC && LoopVolumes.available() ? new LoopVolumes(dir.volumes())
          : new DirectoryBacking(dir.volumes());
      if (runtime == Runtime.RUNC && !(backing instanceof LoopVolumes)) {
        log.warn("losetup, mkfs.xfs or xfs_growfs missing: claims are directories without a capacity of their own");
      }
      LocalPathProvisioner provisioner = new LocalPathProvisioner(client.as(ComponentIdentities.controller("persistent-volume-binder")),
          nodeName, backing);
      controllers.add(provisioner, provisioner::start);
      VolumeExpander expander = new VolumeExpander(client.as(ComponentIdentities.controller("persistent-volume-binder")), backing, nodeName);
      controllers.add(expander, expander::start);
      // the snapshot controller copies this node's volumes, so it lives where the provisioner does
      SnapshotController snapshots = new SnapshotController(client.as(ComponentIdentities.controller("snapshot-controller")), backing, nodeName);
      controllers.add(snapshots, snapshots::start);
      PersistentVolumeBinder binder = new PersistentVolumeBinder(client.as(ComponentIdentities.controller("persistent-volume-binder")), provisioner);
      controllers.add(binder, binder::start);
      Scheduler scheduler = new Scheduler(client.as(ComponentIdentities.SCHEDULER));
      controllers.add(scheduler, scheduler::start);
      TaintEvictionController taintEviction = new TaintEvictionController(client.as(ComponentIdentities.controller("taint-eviction-controller")));
      controllers.add(taintEviction, taintEviction::start);
      DaemonSetController daemonSets = new DaemonSetController(client.as(ComponentIdentities.controller("daemon-set-controller")));
      controllers.add(daemonSets, daemonSets::start);
      List<InetSocketAddress> dnsAddresses = new ArrayList<>();
      if (!node.dnsListen().isEmpty()) {
        int colon = node.dnsListen().lastIndexOf(':');
        dnsAddresses.add(new InetSocketAddress(node.dnsListen().substring(0, colon), Integer.parseInt(node.dnsListen().substring(colon + 1))));
      }
      Client nodeClient = client.as(NodeAuthorizer.userFor(nodeName));
      if (runtime != Runtime.NONE) {
        ContainerRuntime containers;
        ServiceRoutes routes = ServiceRoutes.NONE;
        if (runtime == Runtime.SIMULATED) {
          containers = new SimulatedRuntime();
        } else {
          RuncRuntime runc = new RuncRuntime(RuncRuntime.Config.defaults(dir.root()).with(node.podCidr(), node.allowPrivileged())
              .withClusterDns(clusterDns).withLogs(node.containerLogMaxSize(), node.containerLogMaxFiles())
              // the agents' pods, once other hosts join (their ranges are the cluster's)
              .withPodRoutes(cluster.nodeIp() == null ? List.of() : List.of(cluster.clusterCidr())),
              new ClientPodResources(nodeClient));
          runc.startLogRotation();
          runc.startImageGc(dev.ordinal.node.images.ImageGcPlan.Policy.DEFAULT);
          try {
            runc.prepareNetwork();
          } catch (IOException e) {
            log.warn("could not bring up the pod bridge before the first pod: {}", e.getMessage());
          }
          api.nodes().serve(runc, runc, runc);
          var stats = runc.startStats();
          controllers.add(stats, () -> { }); // its sampling thread stops with the control plane
          api.nodes().serveStats(nodeName, stats);
          containers = runc;
          dnsAddresses.add(new InetSocketAddress(runc.gateway(), 53)); // what pods' resolv.conf names
          ServiceProxy proxy = new ServiceProxy(client.as(ComponentIdentities.PROXY), node.podCidr(), listen);
          controllers.add(proxy, proxy::start);
          routes = proxy;
        }
        NodeAgent agent = new NodeAgent(nodeClient, nodeName, containers, routes, new NodeAgent.Host(
            cluster.nodeIp() == null ? "127.0.0.1" : cluster.nodeIp(), java.util.Map.of(), runtime == Runtime.RUNC ? node.podCidr() : null, 0,
            null, () -> { }));
        if (runtime == Runtime.RUNC && cluster.nodeIp() != null) {
          HostRoutes hostRoutes = new HostRoutes(nodeClient, nodeName);
          controllers.add(hostRoutes, hostRoutes::start);
        }
        controllers.add(agent, agent::start);
      }
      if (!dnsAddresses.isEmpty()) {
        ClusterDns dns = new ClusterDns(client.as(ComponentIdentities.DNS), dnsAddresses,
            new ClusterDns.Options(true, node.dnsLog()));
        controllers.add(dns, dns::start);
      }
      controllers.start();
      ControlPlane plane = new ControlPlane(dir, storage, api, controllers);
      DataDir.writePrivate(dir.kubeconfig(), Kubeconfig.render(plane.serverUrl(), cert.pem(), dir.token()));
      if (storage instanceof SqliteStorage sqlite) {
        sqlite.startAutoCompaction(Duration.ofMinutes(1), 10_000);
      } else if (storage instanceof EtcdStorage etcd) {
        // kube-apiserver's --etcd-compaction-interval
        etcd.startCompaction(Duration.ofMinutes(5));
      }
      // after the kubeconfig is out, so the documents do not compete with the start for the CPU
      api.prepareOpenApi();
      return plane;
    } catch (Exception | Error e) {
      if (api != null) {
        api.close();
      }
      storage.close();
      throw e;
    }
  }

  public String serverUrl() {
    return api.url();
  }

  public int port() {
    return api.port();
  }

  public DataDir dataDir() {
    return dir;
  }

  public String token() throws IOException {
    return dir.token();
  }

  @Override
  public void close() {
    controllers.close();
    api.close();
    storage.close();
  }
}
