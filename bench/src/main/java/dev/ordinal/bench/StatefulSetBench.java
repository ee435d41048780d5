package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * StatefulSets on `ordinal up --runtime simulated`: how long the control plane (controller,
 * scheduler, provisioner, binder, agent) takes to bring replicas up in order and in parallel, to
 * roll an update through, and to scale to zero. Containers start instantly, so the figures are the
 * control plane's own overhead; simulated processes take 1 s to stop, as the runtime documents.
 */
public final class StatefulSetBench {
  private BenchServer server;

  /** Arguments: the ordered set's size (default 20), then the Parallel sets' sizes (default 100). */
  public static void main(String[] args) throws Exception {
    int ordered = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int[] parallel = args.length > 1
        ? java.util.Arrays.stream(args).skip(1).mapToInt(Integer::parseInt).toArray() : new int[] {100};
    new StatefulSetBench().run(ordered, parallel);
  }

  private void run(int replicas, int[] parallelSizes) throws Exception {
    Path work = Files.createTempDirectory("ordinal-sts-bench");
    server = new BenchServer(work, "simulated");
    server.start();
    try {
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      long t = System.nanoTime();
      create("ordered", replicas, "OrderedReady");
      waitFor("ordered", s -> s.path("readyReplicas").asInt() == replicas);
      row("OrderedReady: " + replicas + " replicas (with claims provisioned) Ready", t);

      for (int size : parallelSizes) {
        String name = "burst-" + size;
        t = System.nanoTime();
        create(name, size, "Parallel");
        waitFor(name, s -> s.path("readyReplicas").asInt() == size);
        double secs = (System.nanoTime() - t) / 1e9;
        row(String.format(Locale.ROOT, "Parallel: %d replicas (with claims provisioned) Ready (%.0f pods/s)", size, size / secs), t);
      }
      int last = parallelSizes[parallelSizes.length - 1];
      String lastName = "burst-" + last;
      t = System.nanoTime();
      long lastGeneration = generationOf(server.send("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/" + lastName,
          "application/strategic-merge-patch+json",
          "{\"spec\":{\"updateStrategy\":{\"rollingUpdate\":{\"maxUnavailable\":\"25%\"}},\"template\":{\"spec\":"
              + "{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.28\"}]}}}}"));
      waitFor(lastName, s -> s.path("observedGeneration").asLong() >= lastGeneration && s.path("updatedReplicas").asInt() == last && s.path("readyReplicas").asInt() == last
          && s.path("currentRevision").equals(s.path("updateRevision")));
      row("rolling update of " + last + " Parallel replicas with maxUnavailable 25%", t);

      t = System.nanoTime();
      long generation = generationOf(server.send("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/ordered",
          "application/strategic-merge-patch+json",
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.28\"}]}}}}"));
      waitFor("ordered", s -> s.path("observedGeneration").asLong() >= generation && s.path("updatedReplicas").asInt() == replicas && s.path("readyReplicas").asInt() == replicas
          && s.path("currentRevision").equals(s.path("updateRevision")));
      row("rolling update of " + replicas + " ordered replicas (1 s simulated stop each)", t);

      t = System.nanoTime();
      server.send("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/" + lastName + "/scale", "application/merge-patch+json",
          "{\"spec\":{\"replicas\":0}}");
      waitFor(lastName, s -> s.path("replicas").asInt() == 0);
      row("Parallel scale-down of " + last + " replicas to 0", t);
    } finally {
      server.close();
    }
  }

  /** The generation a write produced: the status must have observed it before a rollout counts as done. */
  private static long generationOf(java.net.http.HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body()).path("metadata").path("generation").asLong();
  }

  private void create(String name, int replicas, String policy) throws Exception {
    String sts = """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"%1$s"},"spec":{"replicas":%2$d,
         "podManagementPolicy":"%3$s","serviceName":"%1$s","selector":{"matchLabels":{"app":"%1$s"}},
         "template":{"metadata":{"labels":{"app":"%1$s"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27",
          "volumeMounts":[{"name":"data","mountPath":"/data"}]}]}},
         "volumeClaimTemplates":[{"metadata":{"name":"data"},"spec":{"accessModes":["ReadWriteOnce"],
          "resources":{"requests":{"storage":"1Gi"}}}}]}}""".formatted(name, replicas, policy);
    server.send("POST", "/apis/apps/v1/namespaces/default/statefulsets", "application/json", sts);
  }

  private void waitFor(String name, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode status = Json.MAPPER.readTree(server.send("GET", "/apis/apps/v1/namespaces/default/statefulsets/" + name, null, null).body())
          .path("status");
      if (done.test(status)) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(name + " did not get there in 10 minutes");
  }

  private static void row(String what, long startNanos) {
    String line = String.format(Locale.ROOT, "| %s | %.2f s |", what, (System.nanoTime() - startNanos) / 1e9);
    System.out.println(line);
    System.err.println(line);
  }
}
