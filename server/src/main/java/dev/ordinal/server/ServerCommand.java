package dev.ordinal.server;

import dev.ordinal.controllers.leaderelection.LeaderElectionPlanner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ordinal server}: an API server with leader-elected controllers and scheduler, no node; any number of them on one etcd. */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = "Start one of a cluster's API servers on etcd (no node): the API, and the controllers and scheduler while it leads.")
final class ServerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServerCommand.class);

  @Option(names = "--data-dir", defaultValue = ".ordinal-server",
      description = "This server's files; tls/ca.crt, tls/ca.key, sa.key and token copied from the first server's (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--port", defaultValue = "6443", description = "API port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--advertise-address",
      description = "Where agents and pods reach this server, listed in the kubernetes Endpoints (default: --listen; needed with 0.0.0.0).")
  String advertise;

  @picocli.CommandLine.Mixin
  NodeRangeOptions nodeRanges = new NodeRangeOptions();

  @Option(names = "--leader-elect-lease-duration", defaultValue = "15",
      description = "Seconds a candidate waits after the leader's last renewal before taking over (default: ${DEFAULT-VALUE}).")
  int leaseSeconds;

  @Option(names = "--leader-elect-renew-deadline", defaultValue = "10",
      description = "Seconds a leader goes without renewing before it stops its controllers (default: ${DEFAULT-VALUE}).")
  int renewSeconds;

  @Option(names = "--leader-elect-retry-period", defaultValue = "2",
      description = "Seconds between tries to take or renew a lease (default: ${DEFAULT-VALUE}).")
  int retrySeconds;

  @Option(names = "--route-pods",
      description = "Keep routes on this host to every node's pod range through the node's address (host-gw; root), so "
          + "`kubectl port-forward` reaches pods on agents; off by default.")
  boolean routePods;

  @Option(names = "--audit-log-maxsize", defaultValue = "100", description = "Megabytes before the audit log rotates; 0 never (default: ${DEFAULT-VALUE}).")
  long auditLogMaxSize;

  @Option(names = "--audit-log-maxbackup", defaultValue = "5", description = "Rotated audit logs kept; 0 all (default: ${DEFAULT-VALUE}).")
  int auditLogMaxBackup;

  @picocli.CommandLine.Mixin
  EtcdOptions etcd = new EtcdOptions();

  @Override
  public Integer call() throws Exception {
    ControlPlane.StorageOptions stored;
    try {
      stored = etcd.storage();
    } catch (IllegalArgumentException e) {
      System.err.println("ordinal: " + e.getMessage());
      return 2;
    }
    if (stored.etcd() == null) {
      System.err.println("ordinal: `ordinal server` keeps the cluster in etcd: give --etcd-endpoints (one machine alone: `ordinal up`)");
      return 2;
    }
    boolean wildcard = listen.equals("0.0.0.0") || listen.equals("::");
    String address = advertise != null ? advertise : wildcard ? null : listen;
    if (address == null || !address.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      System.err.println("ordinal: give --advertise-address, an IPv4 address where this server is reached (listening on " + listen + ")");
      return 2;
    }
    java.util.Optional<String> ranges = nodeRanges.problem();
    if (ranges.isPresent()) {
      System.err.println("ordinal: " + ranges.get());
      return 2;
    }
    LeaderElectionPlanner.Config election;
    try {
      election = new LeaderElectionPlanner.Config(Duration.ofSeconds(leaseSeconds), Duration.ofSeconds(renewSeconds),
          Duration.ofSeconds(retrySeconds));
    } catch (IllegalArgumentException e) {
      System.err.println("ordinal: --leader-elect-*: " + e.getMessage());
      return 2;
    }
    if (routePods && !RuncHost.isRoot()) {
      System.err.println("ordinal: --route-pods changes this host's routes and needs root");
      return 2;
    }
    DataDir dir = DataDir.open(dataDir);
    ClusterServer server;
    try {
      server = ClusterServer.start(dir, listen, port, address, stored, new ControlPlane.ClusterOptions(null, nodeRanges.clusterCidr, nodeRanges.nodeMask),
          new ControlPlane.AuditOptions(auditLogMaxSize, auditLogMaxBackup), election, routePods);
    } catch (IllegalStateException e) {
      System.err.println("ordinal: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      server.close();
      stopped.countDown();
    }, "shutdown"));
    log.info("Ordinal API server is ready at {}", server.serverUrl());
    System.err.println("Ordinal API server is ready at " + server.serverUrl());
    System.err.println("  export KUBECONFIG=" + dir.kubeconfig());
    stopped.await();
    return 0;
  }
}
