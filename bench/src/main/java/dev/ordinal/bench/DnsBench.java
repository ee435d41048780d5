package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The cluster DNS on `ordinal up --runtime simulated` (its host address, 127.0.0.1 on a free port):
 * queries per second and latency for a StatefulSet pod's name from concurrent clients, and the
 * time from a new pod's IP appearing in the API (seen by a watch) to its name resolving. The
 * autopath cases ask as a pod would: from 127.0.0.2, the IP of a pod bound to no node (so no
 * runtime overwrites it) in {@code default}, names completed along that pod's search list.
 */
public final class DnsBench {
  /** A free port of its own, so that another server on the default 10053 is not measured instead. */
  private static final int PORT = freePort();

  private static int freePort() {
    try (var s = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
  private BenchServer server;

  public static void main(String[] args) throws Exception {
    new DnsBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 20);
  }

  private void run(int replicas) throws Exception {
    Path work = Files.createTempDirectory("ordinal-dns-bench");
    server = new BenchServer(work, "simulated", "--dns-listen", "127.0.0.1:" + PORT);
    server.start();
    try {
      server.send("POST", "/api/v1/namespaces/default/services", "application/json", """
          {"apiVersion":"v1","kind":"Service","metadata":{"name":"nginx"},"spec":{"clusterIP":"None","selector":{"app":"nginx"},
           "ports":[{"name":"web","port":80}]}}""");
      server.send("POST", "/apis/apps/v1/namespaces/default/statefulsets", "application/json", sts(replicas));
      while (Json.MAPPER.readTree(server.send("GET", "/apis/apps/v1/namespaces/default/statefulsets/web", null, null).body())
          .path("status").path("readyReplicas").asInt() < replicas) {
        Thread.sleep(20);
      }
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      throughput("web-0.nginx.default.svc.cluster.local.", Duration.ofSeconds(5), 8);
      throughput("nginx.default.svc.cluster.local.", Duration.ofSeconds(5), 8);
      podAt(CLIENT_POD_IP);
      // BusyBox-style, the dotted name as it is: completed to web-0.nginx.default.svc.cluster.local
      throughput("web-0.nginx.", Duration.ofSeconds(5), 8, CLIENT_POD_IP);
      // a search-list resolver's first try for web-0.nginx.default: completed one element on
      throughput("web-0.nginx.default.default.svc.cluster.local.", Duration.ofSeconds(5), 8, CLIENT_POD_IP);
      nameFollowsIp(replicas, 20);
    } finally {
      server.close();
    }
  }

  private static final String CLIENT_POD_IP = "127.0.0.2";

  /** A pod the DNS knows by this IP: bound to a node that does not exist, its status written here. */
  private void podAt(String ip) throws Exception {
    server.send("POST", "/api/v1/namespaces/default/pods", "application/json", """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"dns-client"},"spec":{"nodeName":"no-such-node",
         "containers":[{"name":"c","image":"busybox"}]}}""");
    server.send("PATCH", "/api/v1/namespaces/default/pods/dns-client/status", "application/merge-patch+json",
        "{\"status\":{\"podIP\":\"" + ip + "\",\"podIPs\":[{\"ip\":\"" + ip + "\"}]}}");
    Thread.sleep(500); // the DNS's pod informer sees it
  }

  private static String sts(int replicas) {
    return """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"web"},"spec":{"replicas":%d,"podManagementPolicy":"Parallel",
         "serviceName":"nginx","selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
         "spec":{"containers":[{"name":"nginx","image":"nginx"}]}}}}""".formatted(replicas);
  }

  private static SimpleResolver resolver(String from) throws Exception {
    SimpleResolver r = new SimpleResolver(InetAddress.getLoopbackAddress());
    if (from != null) {
      r.setLocalAddress(InetAddress.getByName(from));
    }
    r.setPort(PORT);
    r.setTimeout(Duration.ofSeconds(2));
    return r;
  }

  private static SimpleResolver resolver() throws Exception {
    return resolver(null);
  }

  private static void throughput(String name, Duration length, int clients) throws Exception {
    throughput(name, length, clients, null);
  }

  private static void throughput(String name, Duration length, int clients, String from) throws Exception {
    Latencies latencies = new Latencies();
    AtomicLong answered = new AtomicLong();
    long end = System.nanoTime() + length.toNanos();
    long start = System.nanoTime();
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      for (int c = 0; c < clients; c++) {
        pool.submit(() -> {
          SimpleResolver r = resolver(from);
          Message q = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
          while (System.nanoTime() < end) {
            long t = System.nanoTime();
            Message reply = r.send(q);
            latencies.add(System.nanoTime() - t);
            if (reply.getSection(Section.ANSWER).isEmpty()) {
              throw new IllegalStateException("no answer for " + name);
            }
            answered.incrementAndGet();
          }
          return null;
        });
      }
    }
    double secs = (System.nanoTime() - start) / 1e9;
    row(String.format(Locale.ROOT, "A %s, %d clients over UDP%s: queries/s, p50 / p99", name, clients,
        from == null ? "" : ", from a pod (autopath)"),
        String.format(Locale.ROOT, "%.0f/s, %.2f ms / %.2f ms", answered.get() / secs, latencies.percentileMillis(50),
            latencies.percentileMillis(99)));
  }

  /** Scales up one replica at a time; from the moment the API shows the new pod's IP to its name answering. */
  private void nameFollowsIp(int from, int times) throws Exception {
    Latencies lag = new Latencies();
    SimpleResolver r = resolver();
    for (int i = 0; i < times; i++) {
      int ordinal = from + i;
      server.send("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/web/scale", "application/merge-patch+json",
          "{\"spec\":{\"replicas\":" + (ordinal + 1) + "}}");
      String ip = "";
      while (ip.isEmpty()) {
        try {
          JsonNode pod = Json.MAPPER.readTree(server.send("GET", "/api/v1/namespaces/default/pods/web-" + ordinal, null, null).body());
          ip = pod.path("status").path("podIP").asText("");
        } catch (IllegalStateException notYet) {
          // not created yet
        }
        if (ip.isEmpty()) {
          Thread.sleep(1);
        }
      }
      long seen = System.nanoTime();
      Message q = Message.newQuery(Record.newRecord(Name.fromString("web-" + ordinal + ".nginx.default.svc.cluster.local."), Type.A,
          DClass.IN));
      while (true) {
        var answers = r.send(q).getSection(Section.ANSWER);
        if (!answers.isEmpty() && ((ARecord) answers.get(0)).getAddress().getHostAddress().equals(ip)) {
          break;
        }
      }
      lag.add(System.nanoTime() - seen);
    }
    row(String.format(Locale.ROOT, "pod IP in the API → its name resolves, %d new pods: p50 / p99", times),
        String.format(Locale.ROOT, "%.1f ms / %.1f ms", lag.percentileMillis(50), lag.percentileMillis(99)));
  }

  private static void row(String what, String result) {
    String line = "| " + what + " | " + result + " |";
    System.out.println(line);
    System.err.println(line);
  }
}
