package dev.ordinal.bench;

import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a validated schema costs a write: creates of a custom resource whose CRD checks types,
 * enum, pattern, bounds, a map list's keys and a CEL rule (and prunes and defaults), against
 * creates of a ConfigMap of the same size in bytes, alternating in one run against `ordinal up`.
 */
public final class CrdBench {
  static final String CRD = """
      {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"benches.bench.ordinal.dev"},
       "spec":{"group":"bench.ordinal.dev","scope":"Namespaced","names":{"plural":"benches","kind":"Bench"},
        "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}},
         "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
          "x-kubernetes-validations":[{"rule":"self.replicas <= self.maxReplicas","message":"too many"}],
          "required":["size","replicas"],
          "properties":{
           "size":{"type":"string","enum":["small","medium","large"]},
           "replicas":{"type":"integer","minimum":0,"maximum":100},
           "maxReplicas":{"type":"integer","default":100},
           "image":{"type":"string","pattern":"^[a-z0-9./:-]+$","maxLength":200},
           "labels":{"type":"object","additionalProperties":{"type":"string","maxLength":63}},
           "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
            "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer","minimum":1,"maximum":65535}}}}}}}}}}]}}
      """;

  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
    Path work = Files.createTempDirectory("ordinal-bench-crd");
    BenchServer server = new BenchServer(work, "none");
    server.start();
    List<String> rows = new ArrayList<>();
    try {
      server.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "application/json", CRD);
      long deadline = System.currentTimeMillis() + 30_000;
      while (!served(server)) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("the CRD was not served within 30 s");
        }
        Thread.sleep(50);
      }
      int size = custom("sizing").length();
      for (int round = 0; round < 3; round++) { // the first round warms up
        Latencies crs = new Latencies();
        Latencies cms = new Latencies();
        for (int i = 0; i < requests; i++) {
          String name = "r" + round + "-" + i;
          long t = System.nanoTime();
          expect201(server.send("POST", "/apis/bench.ordinal.dev/v1/namespaces/default/benches", "application/json", custom(name)));
          crs.add(System.nanoTime() - t);
          String cm = configMap(name, size);
          t = System.nanoTime();
          expect201(server.send("POST", "/api/v1/namespaces/default/configmaps", "application/json", cm));
          cms.add(System.nanoTime() - t);
        }
        if (round > 0) {
          rows.add(row("custom resource (validated schema, CEL)", size, crs));
          rows.add(row("ConfigMap of the same size", size, cms));
        }
      }
    } finally {
      server.close();
    }
    System.out.println("| create, " + requests + " each, alternating | body bytes | p50 ms | p99 ms |");
    System.out.println("|---|---|---|---|");
    rows.forEach(System.out::println);
  }

  private static boolean served(BenchServer server) throws Exception {
    try {
      return server.send("GET", "/apis/bench.ordinal.dev/v1", null, null).statusCode() == 200;
    } catch (IllegalStateException notYet) {
      return false;
    }
  }

  private static void expect201(java.net.http.HttpResponse<String> r) {
    if (r.statusCode() != 201) {
      throw new IllegalStateException("create answered " + r.statusCode() + ": " + r.body());
    }
  }

  static String custom(String name) {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      labels.append(i == 0 ? "" : ",").append("\"label-").append(i).append("\":\"value-").append(i).append("\"");
    }
    StringBuilder ports = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      ports.append(i == 0 ? "" : ",").append("{\"name\":\"port-").append(i).append("\",\"port\":").append(8000 + i).append("}");
    }
    return ("{\"apiVersion\":\"bench.ordinal.dev/v1\",\"kind\":\"Bench\",\"metadata\":{\"name\":\"%s\"},\"spec\":{\"size\":\"medium\","
        + "\"replicas\":3,\"image\":\"registry.example.com/team/app:1.2.3\",\"labels\":{%s},\"ports\":[%s]}}")
        .formatted(name, labels, ports);
  }

  static String configMap(String name, int size) {
    String head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"payload\":\"";
    String tail = "\"}}";
    return head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail;
  }

  private static String row(String what, int size, Latencies l) {
    return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |", what, size, l.percentileMillis(50), l.percentileMillis(99));
  }

  static {
    Json.object(); // the shared mapper, loaded before the first timed request
  }
}
