package dev.ordinal.bench;

import dev.ordinal.storage.etcd.LocalEtcd;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * API writes on etcd against SQLite, with etcd's own put latency as the floor, in one run: a
 * single-member etcd on loopback (one fsync per write, as any etcd), then
 * <ul>
 *   <li>etcd's put latency: {@code etcdctl put} (one process per put, so it includes etcdctl's
 *       start) and a plain put through etcd's JSON gateway from this JVM (etcd's own cost);</li>
 *   <li>pod creates (1 client) on `ordinal up --etcd-endpoints` and on `ordinal up` (SQLite).</li>
 * </ul>
 */
public final class EtcdBench {
  private final List<String> report = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    new EtcdBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 1_000);
  }

  private void run(int writes) throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(1)) {
      etcdctlPuts(etcd, Math.min(writes, 200));
      gatewayPuts(etcd, writes);
      podCreates("ordinal up --etcd-endpoints", writes, "--etcd-endpoints", etcd.endpointList());
    }
    podCreates("ordinal up (SQLite)", writes);
    System.out.println("| measure | result |");
    System.out.println("|---|---|");
    report.forEach(System.out::println);
  }

  private void etcdctlPuts(LocalEtcd etcd, int n) throws Exception {
    Latencies lat = new Latencies();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      Process p = new ProcessBuilder("etcdctl", "--endpoints", etcd.endpointList(), "put", "/bench/etcdctl/" + i, "v" + i)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("etcdctl put failed");
      }
      lat.add(System.nanoTime() - t);
    }
    row("etcdctl put (a process per put), " + n + ": p50 / p99", ms(lat, 50) + " / " + ms(lat, 99));
  }

  private void gatewayPuts(LocalEtcd etcd, int n) throws Exception {
    Latencies lat = new Latencies();
    String value = Base64.getEncoder().encodeToString(ApiBench.pod(1).getBytes());
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      URI put = etcd.endpoints().get(0).resolve("/v3/kv/put");
      for (int i = 0; i < n; i++) {
        String key = Base64.getEncoder().encodeToString(("/bench/gateway/" + i).getBytes());
        long t = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(put)
            .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        lat.add(System.nanoTime() - t);
        if (r.statusCode() != 200) {
          throw new IllegalStateException(r.body());
        }
      }
    }
    row("etcd put of a pod-sized value (JSON gateway, 1 client), " + n + ": p50 / p99", ms(lat, 50) + " / " + ms(lat, 99));
  }

  private void podCreates(String label, int n, String... upArgs) throws Exception {
    Path work = Files.createTempDirectory("ordinal-bench-etcd");
    try (BenchServer server = new BenchServer(work, "none", upArgs)) {
      server.start();
      server.send("POST", "/api/v1/namespaces", "application/json",
          "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");
      Latencies lat = new Latencies();
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        HttpResponse<String> r = server.send("POST", "/api/v1/namespaces/bench/pods", "application/json", ApiBench.pod(i));
        lat.add(System.nanoTime() - t);
        if (r.statusCode() != 201) {
          throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
      }
      row("pod create on " + label + " (1 client), " + n + ": p50 / p99", ms(lat, 50) + " / " + ms(lat, 99));
    }
  }

  private void row(String what, String value) {
    report.add("| " + what + " | " + value + " |");
    System.err.println(what + ": " + value);
  }

  private static String ms(Latencies lat, double p) {
    return String.format(Locale.ROOT, "%.2f ms", lat.percentileMillis(p));
  }
}
