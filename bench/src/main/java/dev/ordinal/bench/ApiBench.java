package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API benchmark: starts a real `ordinal up` in its own JVM and drives it over HTTP from this
 * one, as kubectl and controllers would. Reports start-up time, idle memory, single-object write
 * and read latency, write throughput, list times at 1k and 10k pods, and watch delivery.
 */
public final class ApiBench {
  private BenchServer server;
  private HttpClient http;
  private String base;
  private String token;
  private final List<String> report = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    new ApiBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 10_000);
  }

  private void run(int pods) throws Exception {
    Path work = Files.createTempDirectory("ordinal-bench");
    server = new BenchServer(work, "none");
    row("process start to `/readyz` ok (fresh data dir, makes its TLS certificate)", ms(server.start()));
    http = server.http;
    base = server.base;
    token = server.token;
    try {
      long rssKb = idleRss(server.pid());
      row("idle RSS of `ordinal up` (after start, 10 s idle)", String.format(Locale.ROOT, "%.0f MB", rssKb / 1024.0));
      createNamespace("bench");
      createPods(1_000, 1, "sequential create (1 client)");
      createPods(pods - 1_000, 16, "concurrent create (16 clients)");
      updates(2_000);
      gets(2_000);
      lists(pods);
      watchDelivery(2_000);
      server.close();
      row("restart to `/readyz` ok (" + (pods + 2_000) + " objects stored)", ms(server.start()));
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      report.forEach(System.out::println);
    } finally {
      server.close();
    }
  }

  private void row(String what, String value) {
    report.add("| " + what + " | " + value + " |");
    System.err.println(what + ": " + value);
  }

  private static long idleRss(long pid) throws Exception {
    Thread.sleep(10_000);
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    return server.send(method, path, contentType, body);
  }

  private void createNamespace(String name) throws Exception {
    send("POST", "/api/v1/namespaces", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
  }

  private final AtomicInteger podNumber = new AtomicInteger();

  static String pod(int n) {
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"pod-%d","labels":{"app":"bench","shard":"s%d"}},
         "spec":{"nodeName":"node-1","containers":[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":80}],
          "env":[{"name":"A","value":"1"}],"resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}""".formatted(n, n % 10);
  }

  private void createPods(int count, int clients, String label) throws Exception {
    Latencies lat = new Latencies();
    long start = System.nanoTime();
    runConcurrently(count, clients, () -> {
      int n = podNumber.getAndIncrement();
      long t = System.nanoTime();
      send("POST", "/api/v1/namespaces/bench/pods", "application/json", pod(n));
      lat.add(System.nanoTime() - t);
    });
    double secs = (System.nanoTime() - start) / 1e9;
    row(label + ", " + count + " pods: p50 / p99", ms(lat.percentileMillis(50)) + " / " + ms(lat.percentileMillis(99)));
    row(label + ": throughput", String.format(Locale.ROOT, "%.0f writes/s", count / secs));
  }

  private void updates(int count) throws Exception {
    Latencies lat = new Latencies();
    long start = System.nanoTime();
    runConcurrently(count, 16, () -> {
      int n = (int) (Math.random() * 1000);
      long t = System.nanoTime();
      send("PATCH", "/api/v1/namespaces/bench/pods/pod-" + n, "application/merge-patch+json",
          "{\"metadata\":{\"annotations\":{\"touched\":\"" + System.nanoTime() + "\"}}}");
      lat.add(System.nanoTime() - t);
    });
    double secs = (System.nanoTime() - start) / 1e9;
    row("update (merge patch, 16 clients), " + count + ": p50 / p99", ms(lat.percentileMillis(50)) + " / " + ms(lat.percentileMillis(99)));
    row("update throughput", String.format(Locale.ROOT, "%.0f writes/s", count / secs));
  }

  private void gets(int count) throws Exception {
    Latencies lat = new Latencies();
    runConcurrently(count, 4, () -> {
      int n = (int) (Math.random() * 1000);
      long t = System.nanoTime();
      send("GET", "/api/v1/namespaces/bench/pods/pod-" + n, null, null);
      lat.add(System.nanoTime() - t);
    });
    row("get one pod (4 clients), " + count + ": p50 / p99", ms(lat.percentileMillis(50)) + " / " + ms(lat.percentileMillis(99)));
  }

  private void lists(int pods) throws Exception {
    for (String q : List.of("?labelSelector=shard%3Ds1", "?limit=500", "")) {
      Latencies lat = new Latencies();
      int items = 0;
      for (int i = 0; i < 10; i++) {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/bench/pods" + q))
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        lat.add(System.nanoTime() - t);
        if (i == 0) {
          items = Json.MAPPER.readTree(r.body()).path("items").size();
        }
      }
      row("list " + pods + " pods " + (q.isEmpty() ? "(all)" : q) + " → " + items + " items: p50 / max of 10",
          ms(lat.percentileMillis(50)) + " / " + ms(lat.percentileMillis(100)));
    }
    Latencies table = new Latencies();
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/bench/pods"))
          .header("Authorization", "Bearer " + token)
          .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
      table.add(System.nanoTime() - t);
      if (r.statusCode() != 200) {
        throw new IllegalStateException("table list failed " + r.statusCode());
      }
    }
    row("list " + pods + " pods as a Table (kubectl get): p50 of 5", ms(table.percentileMillis(50)));
  }

  /** Opens a watch, writes {@code count} changes, and measures how long until the watcher has them all. */
  private void watchDelivery(int count) throws Exception {
    HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base
            + "/api/v1/namespaces/bench/configmaps?watch=1&resourceVersion=" + currentRv()))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
    CountDownLatch all = new CountDownLatch(count);
    Latencies lag = new Latencies();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body()))) {
        String line;
        while ((line = r.readLine()) != null && all.getCount() > 0) {
          JsonNode ev = Json.MAPPER.readTree(line);
          long sent = ev.path("object").path("data").path("sent").asLong();
          lag.add(System.nanoTime() - sent);
          all.countDown();
        }
      } catch (IOException e) {
        // closed
      }
    });
    long start = System.nanoTime();
    AtomicInteger n = new AtomicInteger();
    runConcurrently(count, 8, () -> send("POST", "/api/v1/namespaces/bench/configmaps", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"w-" + n.getAndIncrement()
            + "\"},\"data\":{\"sent\":\"" + System.nanoTime() + "\"}}"));
    all.await();
    double secs = (System.nanoTime() - start) / 1e9;
    row("watch: " + count + " creates delivered to one watcher", String.format(Locale.ROOT, "%.0f events/s", count / secs));
    row("watch: write-to-event latency p50 / p99", ms(lag.percentileMillis(50)) + " / " + ms(lag.percentileMillis(99)));
    reader.interrupt();
  }

  private String currentRv() throws Exception {
    return Json.MAPPER.readTree(send("GET", "/api/v1/namespaces/bench/configmaps?limit=1", null, null).body())
        .path("metadata").path("resourceVersion").asText();
  }

  interface Task {
    void run() throws Exception;
  }

  private static void runConcurrently(int count, int clients, Task task) throws Exception {
    AtomicInteger left = new AtomicInteger(count);
    try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        fs.add(pool.submit(() -> {
          while (left.getAndDecrement() > 0) {
            task.run();
          }
          return null;
        }));
      }
      for (var f : fs) {
        f.get();
      }
    }
  }

  private static String ms(double millis) {
    return String.format(Locale.ROOT, "%.2f ms", millis);
  }

}
