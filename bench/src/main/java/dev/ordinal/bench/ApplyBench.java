package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Server-side apply's cost: an apply of a StatefulSet change against a JSON merge patch of the
 * same change (the peer, interleaved in the same run so both see the same machine), and what
 * managedFields add to stored objects.
 */
public final class ApplyBench {
  private final List<String> report = new ArrayList<>();
  private BenchServer server;

  public static void main(String[] args) throws Exception {
    new ApplyBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 1_000);
  }

  static String sts(String name, int replicas, String image) {
    return """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"%s","labels":{"app":"%s"}},
         "spec":{"replicas":%d,"serviceName":"%s","selector":{"matchLabels":{"app":"%s"}},
          "template":{"metadata":{"labels":{"app":"%s"}},"spec":{"containers":[{"name":"db","image":"%s",
           "ports":[{"containerPort":5432,"name":"pg"}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],
           "volumeMounts":[{"name":"data","mountPath":"/data"}],"resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}},
          "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],
           "resources":{"requests":{"storage":"1Gi"}}}}]}}""".formatted(name, name, replicas, name, name, name, image);
  }

  private void run(int changes) throws Exception {
    server = new BenchServer(Files.createTempDirectory("ordinal-bench"), "none");
    server.start();
    try {
      send("POST", "/api/v1/namespaces", "application/json",
          "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"bench\"}}");
      String base = "/apis/apps/v1/namespaces/bench/statefulsets";
      send("PATCH", base + "/applied?fieldManager=bench", "application/apply-patch+yaml", sts("applied", 1, "postgres:16"));
      send("POST", base, "application/json", sts("patched", 1, "postgres:16"));
      Latencies apply = new Latencies();
      Latencies merge = new Latencies();
      for (int i = 0; i < changes; i++) {
        String image = "postgres:16." + i;
        long t = System.nanoTime();
        check(send("PATCH", base + "/applied?fieldManager=bench", "application/apply-patch+yaml", sts("applied", 1 + i % 3, image)));
        apply.add(System.nanoTime() - t);
        t = System.nanoTime();
        check(send("PATCH", base + "/patched", "application/merge-patch+json",
            "{\"spec\":{\"replicas\":" + (1 + i % 3) + ",\"template\":{\"spec\":{\"containers\":[{\"name\":\"db\",\"image\":\"" + image
                + "\",\"ports\":[{\"containerPort\":5432,\"name\":\"pg\"}],\"env\":[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\","
                + "\"value\":\"2\"}],\"volumeMounts\":[{\"name\":\"data\",\"mountPath\":\"/data\"}],\"resources\":{\"requests\":"
                + "{\"cpu\":\"100m\",\"memory\":\"64Mi\"}}}]}}}}"));
        merge.add(System.nanoTime() - t);
      }
      row("server-side apply of a StatefulSet change (image, replicas), " + changes + ": p50 / p99",
          ms(apply.percentileMillis(50)) + " / " + ms(apply.percentileMillis(99)));
      row("JSON merge patch of the same change (peer), " + changes + ": p50 / p99",
          ms(merge.percentileMillis(50)) + " / " + ms(merge.percentileMillis(99)));
      row("apply / merge patch, p50 and p99", String.format(Locale.ROOT, "%.2f× / %.2f×",
          apply.percentileMillis(50) / merge.percentileMillis(50), apply.percentileMillis(99) / merge.percentileMillis(99)));
      storedSize(1_000);
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      report.forEach(System.out::println);
    } finally {
      server.close();
    }
  }

  /** Stored JSON of 1,000 StatefulSets made by apply, with their managedFields and without. */
  private void storedSize(int count) throws Exception {
    String base = "/apis/apps/v1/namespaces/bench/statefulsets/";
    for (int i = 0; i < count; i++) {
      check(send("PATCH", base + "s-" + i + "?fieldManager=bench", "application/apply-patch+yaml", sts("s-" + i, 1, "postgres:16")));
    }
    JsonNode list = Json.MAPPER.readTree(send("GET", "/apis/apps/v1/namespaces/bench/statefulsets", null, null).body());
    long with = 0;
    long without = 0;
    int n = 0;
    for (JsonNode item : list.path("items")) {
      if (!item.path("metadata").path("name").asText().startsWith("s-")) {
        continue;
      }
      n++;
      with += Json.bytes(item).length;
      ObjectNode copy = item.deepCopy();
      copy.with("metadata").remove("managedFields");
      without += Json.bytes(copy).length;
    }
    double scale = 1000.0 / n;
    row("stored JSON per 1,000 StatefulSets: with managedFields / without",
        String.format(Locale.ROOT, "%.0f KB / %.0f KB (+%.0f%%)", with * scale / 1024, without * scale / 1024,
            100.0 * (with - without) / without));
    Thread.sleep(2_000);
    row("RSS of the server holding them (and the runs above)", rss(server.pid()) / 1024 + " MB");
  }

  private static long rss(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static void check(HttpResponse<String> r) {
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(r.statusCode() + ": " + r.body());
    }
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    return server.send(method, path, contentType, body);
  }

  private void row(String what, String value) {
    report.add("| " + what + " | " + value + " |");
    System.err.println(what + ": " + value);
  }

  private static String ms(double v) {
    return String.format(Locale.ROOT, "%.2f ms", v);
  }
}
