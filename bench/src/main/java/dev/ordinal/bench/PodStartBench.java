package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Real pods on `ordinal up --runtime runc` (root): pod create → Running as a watch sees it, one pod
 * at a time, against the floor — a bare netns + CNI ADD + overlay + `runc run` of the same
 * container (bench/runc-floor.sh) — and a 10-replica OrderedReady StatefulSet with an exec
 * readiness probe: time to all Ready against the sum of its pods' own create → Ready times. The
 * pods run first on the busybox host image, then on a pulled image already in the store
 * ({@link PulledImage}: the registry's copy of the same busybox, pulled before the server starts),
 * so the second series is what a cached registry image costs.
 */
public final class PodStartBench {
  private BenchServer server;
  private final Map<String, Long> running = new ConcurrentHashMap<>();

  /** Arguments: how many pods (default 100). */
  public static void main(String[] args) throws Exception {
    new PodStartBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 100);
  }

  private void run(int pods) throws Exception {
    Latencies floor = floor(Math.min(pods, 50));
    Path work = Files.createTempDirectory("ordinal-pod-bench");
    String pulled = PulledImage.intoStore(work.resolve("registry"), work.resolve("data"));
    server = new BenchServer(work, "runc");
    server.start();
    try {
      Thread watcher = Thread.ofVirtual().start(this::watch);
      Latencies start = startPods("p", "busybox", List.of("sleep", "3600"), pods);
      // the node takes 110 pods: the first series goes before the second starts
      server.send("DELETE", "/api/v1/namespaces/default/pods", null, null);
      waitUntilNoPods(work.resolve("data").resolve("pods"));
      Latencies fromStore = startPods("q", pulled, List.of("/bin/busybox", "sleep", "3600"), pods);
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      row(String.format(Locale.ROOT, "pod create → Running (watch), %d pods one at a time: p50 / p99", pods),
          String.format(Locale.ROOT, "%.0f ms / %.0f ms", start.percentileMillis(50), start.percentileMillis(99)));
      row(String.format(Locale.ROOT, "the same from a cached pulled image (in the store, IfNotPresent), %d pods: p50 / p99", pods),
          String.format(Locale.ROOT, "%.0f ms / %.0f ms (p50 %.1f× the floor's)", fromStore.percentileMillis(50), fromStore.percentileMillis(99),
              fromStore.percentileMillis(50) / floor.percentileMillis(50)));
      row(String.format(Locale.ROOT, "floor: netns + CNI ADD + overlay + `runc run`, %d runs: p50 / p99", floor.count()),
          String.format(Locale.ROOT, "%.0f ms / %.0f ms", floor.percentileMillis(50), floor.percentileMillis(99)));
      server.send("DELETE", "/api/v1/namespaces/default/pods", null, null);
      statefulSet();
      watcher.interrupt();
    } finally {
      server.send("DELETE", "/api/v1/namespaces/default/pods", null, null);
      waitUntilNoPods(work.resolve("data").resolve("pods"));
      server.close();
      BenchServer.removeBridgeIfUnused();
    }
  }

  /** Creates {@code pods} pods of one container, one at a time, each once the last is Running; their create → Running times. */
  private Latencies startPods(String prefix, String image, List<String> command, int pods) throws Exception {
    Latencies out = new Latencies();
    for (int i = 0; i < pods; i++) {
      String name = prefix + i;
      long t = System.nanoTime();
      server.send("POST", "/api/v1/namespaces/default/pods", "application/json", """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s"},"spec":{"terminationGracePeriodSeconds":0,
           "containers":[{"name":"main","image":"%s","command":%s}]}}""".formatted(name, image, Json.MAPPER.writeValueAsString(command)));
      while (!running.containsKey(name)) {
        if (System.nanoTime() - t > 120_000_000_000L) {
          throw new IllegalStateException("pod " + name + " (" + image + ") not Running after 120 s");
        }
        Thread.sleep(1);
      }
      out.add(running.get(name) - t);
    }
    return out;
  }

  private void statefulSet() throws Exception {
    long t = System.nanoTime();
    server.send("POST", "/apis/apps/v1/namespaces/default/statefulsets", "application/json", """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"probe"},"spec":{"replicas":10,"serviceName":"probe",
         "selector":{"matchLabels":{"app":"probe"}},"template":{"metadata":{"labels":{"app":"probe"}},"spec":{
         "terminationGracePeriodSeconds":0,"containers":[{"name":"main","image":"busybox","command":["sleep","3600"],
         "readinessProbe":{"exec":{"command":["true"]},"periodSeconds":1}}]}}}}""");
    while (Json.MAPPER.readTree(server.send("GET", "/apis/apps/v1/namespaces/default/statefulsets/probe", null, null).body())
        .path("status").path("readyReplicas").asInt() < 10) {
      Thread.sleep(20);
    }
    double total = (System.nanoTime() - t) / 1e9;
    double own = 0;
    JsonNode list = Json.MAPPER.readTree(server.send("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dprobe", null, null).body());
    for (JsonNode p : list.path("items")) {
      Instant created = Instant.parse(p.path("metadata").path("creationTimestamp").asText());
      for (JsonNode c : p.path("status").path("conditions")) {
        if (c.path("type").asText().equals("Ready")) {
          own += (Instant.parse(c.path("lastTransitionTime").asText()).toEpochMilli() - created.toEpochMilli()) / 1000.0;
        }
      }
    }
    row("OrderedReady StatefulSet of 10 with an exec readiness probe: all Ready",
        String.format(Locale.ROOT, "%.2f s (its pods' own create → Ready times add up to %.1f s, to the second)", total, own));
    server.send("DELETE", "/apis/apps/v1/namespaces/default/statefulsets/probe", null, null);
  }

  private void watch() {
    try {
      HttpRequest req = HttpRequest.newBuilder(URI.create(server.base + "/api/v1/namespaces/default/pods?watch=1"))
          .header("Authorization", "Bearer " + server.token).build();
      HttpResponse<java.io.InputStream> r = server.http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body()))) {
        String line;
        while ((line = lines.readLine()) != null) {
          long now = System.nanoTime();
          JsonNode pod = Json.MAPPER.readTree(line).path("object");
          if (pod.path("status").path("phase").asText().equals("Running")) {
            running.putIfAbsent(pod.path("metadata").path("name").asText(), now);
          }
        }
      }
    } catch (Exception e) {
      // the benchmark is over
    }
  }

  /** Until the API has no pods and the node has torn every one down (containers, netns, mounts). */
  private void waitUntilNoPods(Path podsDir) throws Exception {
    for (int i = 0; i < 600; i++) {
      boolean apiEmpty = Json.MAPPER.readTree(server.send("GET", "/api/v1/namespaces/default/pods", null, null).body())
          .path("items").isEmpty();
      boolean nodeEmpty;
      try (var left = Files.list(podsDir)) {
        nodeEmpty = left.findAny().isEmpty();
      }
      if (apiEmpty && nodeEmpty) {
        return;
      }
      Thread.sleep(100);
    }
  }

  private static Latencies floor(int runs) throws Exception {
    Path script = Path.of(System.getProperty("ordinal.root", "."), "bench", "runc-floor.sh");
    Process p = new ProcessBuilder(script.toString(), String.valueOf(runs)).redirectErrorStream(true).start();
    Latencies out = new Latencies();
    for (String line : new String(p.getInputStream().readAllBytes()).lines().toList()) {
      if (line.matches("\\d+")) {
        out.add(Long.parseLong(line) * 1_000_000);
      }
    }
    p.waitFor();
    return out;
  }

  private static void row(String what, String result) {
    String line = "| " + what + " | " + result + " |";
    System.out.println(line);
    System.err.println(line);
  }
}
