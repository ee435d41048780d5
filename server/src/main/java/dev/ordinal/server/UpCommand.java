package dev.ordinal.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ordinal up}: the whole control plane (and, later, a node agent) in the foreground. */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = "Start Ordinal in the foreground: API server, store and controllers.")
final class UpCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(UpCommand.class);

  @Option(names = "--data-dir", defaultValue = ".ordinal", description = "State, token and kubeconfig (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--port", defaultValue = "6443", description = "API port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--listen", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--runtime",
      description = "Node runtime: runc (real containers; the default as root), simulated (pods without processes), "
          + "or none (control plane only; the default otherwise).")
  String runtime;

  @Option(names = "--pod-cidr", defaultValue = "10.88.0.0/16",
      description = "Pod addresses on the ord0 bridge; the first is the bridge's own (default: ${DEFAULT-VALUE}).")
  String podCidr;

  @Option(names = "--allow-privileged", description = "Let pods run privileged containers (refused by default).")
  boolean allowPrivileged;

  @Option(names = "--container-log-max-size", defaultValue = "10Mi", converter = Quantities.class,
      description = "Rotate a container's log once it is this big, as kubelet's containerLogMaxSize (default: ${DEFAULT-VALUE}).")
  long logMaxSize;

  @Option(names = "--container-log-max-files", defaultValue = "5",
      description = "Log files kept per container, the current one included, as kubelet's containerLogMaxFiles (default: ${DEFAULT-VALUE}).")
  int logMaxFiles;

  @Option(names = "--dns-listen", defaultValue = "127.0.0.1:10053",
      description = "Where the cluster DNS answers on the host, ADDR:PORT; empty for nowhere (pods reach it on the bridge "
          + "gateway, port 53) (default: ${DEFAULT-VALUE}).")
  String dnsListen;

  @Option(names = "--audit-log-maxsize", defaultValue = "100",
      description = "Megabytes the audit log (DATA_DIR/audit/audit.log) may reach before it is rotated; 0 never rotates "
          + "(default: ${DEFAULT-VALUE}).")
  long auditLogMaxSize;

  @Option(names = "--audit-log-maxbackup", defaultValue = "5",
      description = "Rotated audit log files kept; 0 keeps all (default: ${DEFAULT-VALUE}).")
  int auditLogMaxBackup;

  @Option(names = "--dns-log", defaultValue = "${sys:ordinal.dnsLog:-${env:ORDINAL_DNS_LOG:-false}}",
      description = "Log every cluster DNS query (client, name, type, rcode, latency) to the dev.ordinal.dns.query logger; "
          + "also ORDINAL_DNS_LOG=true or -Dordinal.dnsLog=true (default: off).")
  boolean dnsLog;

  @Option(names = "--node-ip",
      description = "This machine's address for other nodes (agents route to its pods through it); default: none, a one-machine cluster.")
  String nodeIp;

  @picocli.CommandLine.Mixin
  NodeRangeOptions nodeRanges = new NodeRangeOptions();
  @Option(names = "--registry-config",
      description = "Registry mirrors, credentials and TLS in k3s's registries.yaml shape; copied to <data-dir>/registries.yaml, "
          + "which the runc runtime and `ordinal image pull` read (docs/images.md).")
  java.nio.file.Path registryConfig;

  @picocli.CommandLine.Mixin
  EtcdOptions etcd = new EtcdOptions();

  @Override
  public Integer call() throws Exception {
    boolean root = RuncHost.isRoot();
    if (runtime == null) {
      runtime = root ? "runc" : "none";
      if (!root) {
        System.err.println("ordinal: not running as root, so no pods run on this machine (--runtime none); "
            + "start as root for real containers, or with --runtime simulated");
      }
    }
    ControlPlane.Runtime chosen;
    switch (runtime) {
      case "none" -> chosen = ControlPlane.Runtime.NONE;
      case "simulated" -> chosen = ControlPlane.Runtime.SIMULATED;
      case "runc" -> {
        String missing = RuncHost.missing(root);
        if (!missing.isEmpty()) {
          System.err.println("ordinal: " + missing);
          return 2;
        }
        chosen = ControlPlane.Runtime.RUNC;
      }
      default -> {
        System.err.println("ordinal: unknown runtime \"" + runtime + "\": use runc, simulated or none");
        return 2;
      }
    }
    if (logMaxFiles < 2) {
      System.err.println("ordinal: --container-log-max-files must be at least 2 (the current file and one rotated), was " + logMaxFiles);
      return 2;
    }
    DataDir dir = DataDir.open(dataDir);
    if (registryConfig != null) {
      try {
        dev.ordinal.node.images.registry.RegistryConfig.load(registryConfig); // refuse a file that does not parse, before anything starts
        java.nio.file.Files.copy(registryConfig, dataDir.resolve("registries.yaml"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } catch (java.io.IOException | RuntimeException e) {
        System.err.println("ordinal: --registry-config " + registryConfig + ": " + e.getMessage());
        return 2;
      }
    }
    if (!podCidr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
      System.err.println("ordinal: --pod-cidr " + podCidr + " is not an IPv4 CIDR such as 10.88.0.0/16");
      return 2;
    }
    java.util.Optional<String> ranges = nodeRanges.problem();
    if (ranges.isPresent()) {
      System.err.println("ordinal: " + ranges.get());
      return 2;
    }
    if (nodeIp != null && !nodeIp.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      System.err.println("ordinal: --node-ip " + nodeIp + " is not an IPv4 address");
      return 2;
    }
    if (auditLogMaxSize < 0 || auditLogMaxBackup < 0) {
      System.err.println("ordinal: --audit-log-maxsize and --audit-log-maxbackup must not be negative");
      return 2;
    }
    ControlPlane.StorageOptions stored;
    try {
      stored = etcd.storage();
    } catch (IllegalArgumentException e) {
      System.err.println("ordinal: " + e.getMessage());
      return 2;
    }
    ControlPlane plane = ControlPlane.start(dir, listen, port, chosen, new ControlPlane.NodeOptions(podCidr, allowPrivileged, dnsListen, dnsLog,
        logMaxSize, logMaxFiles), new ControlPlane.AuditOptions(auditLogMaxSize, auditLogMaxBackup),
        new ControlPlane.ClusterOptions(nodeIp, nodeRanges.clusterCidr, nodeRanges.nodeMask), stored);
    UpProcess.record(dir.root());
    boolean containers = chosen == ControlPlane.Runtime.RUNC;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping");
      plane.close();
      UpProcess.forget(dir.root());
      if (containers) {
        // as kubelet's: a stop of the server is not a stop of the pods, which the next `up` adopts
        System.err.println("ordinal: stopped; the pods' containers keep running for the next `ordinal up` to adopt;"
            + " `ordinal down --data-dir " + dir.root() + "` stops them too");
      }
      stopped.countDown();
    }, "shutdown"));
    log.info("Ordinal is ready at {}", plane.serverUrl());
    System.err.println("Ordinal is ready at " + plane.serverUrl());
    System.err.println("  export KUBECONFIG=" + dir.kubeconfig());
    System.err.println("  kubectl get namespaces");
    stopped.await();
    return 0;
  }
}
