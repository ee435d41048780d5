package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * A Deployment on `ordinal up --runtime simulated`: how long the control plane (Deployment and
 * ReplicaSet controllers, scheduler, agent) takes to make a big Deployment available, and to roll
 * it to a new image with the default maxSurge and maxUnavailable of 25 %. Containers start at
 * once; simulated processes take 1 s to stop.
 */
public final class DeploymentBench {
  private BenchServer server;

  /** Arguments: the replica counts (default 1000). */
  public static void main(String[] args) throws Exception {
    int[] sizes = args.length > 0 ? java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {1000};
    new DeploymentBench().run(sizes);
  }

  private void run(int[] sizes) throws Exception {
    Path work = Files.createTempDirectory("ordinal-deploy-bench");
    server = new BenchServer(work, "simulated");
    server.start();
    try {
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      for (int size : sizes) {
        String name = "web-" + size;
        long t = System.nanoTime();
        long generation = generationOf(server.send("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s"},"spec":{"replicas":%2$d,
             "selector":{"matchLabels":{"app":"%1$s"}},
             "template":{"metadata":{"labels":{"app":"%1$s"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}"""
            .formatted(name, size)));
        waitFor(name, complete(size, generation));
        double secs = (System.nanoTime() - t) / 1e9;
        row(String.format(Locale.ROOT, "Deployment of %d replicas: created → all available (%.0f pods/s)", size, size / secs), t);

        t = System.nanoTime();
        long next = generationOf(server.send("PATCH", "/apis/apps/v1/namespaces/default/deployments/" + name,
            "application/strategic-merge-patch+json",
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.28\"}]}}}}"));
        waitFor(name, complete(size, next));
        row("rolling update of " + size + " replicas, maxSurge 25 %, maxUnavailable 25 % (1 s simulated stop each)", t);

        t = System.nanoTime();
        server.send("PATCH", "/apis/apps/v1/namespaces/default/deployments/" + name + "/scale", "application/merge-patch+json",
            "{\"spec\":{\"replicas\":0}}");
        waitFor(name, s -> s.path("replicas").asInt() == 0);
        row("scale-down of " + size + " replicas to 0", t);
      }
    } finally {
      server.close();
    }
  }

  /** Rolled out: the status observed the generation, every replica updated and available, no old one left. */
  private static Predicate<JsonNode> complete(int size, long generation) {
    return s -> s.path("observedGeneration").asLong() >= generation && s.path("updatedReplicas").asInt() == size
        && s.path("availableReplicas").asInt() == size && s.path("replicas").asInt() == size;
  }

  private static long generationOf(java.net.http.HttpResponse<String> response) throws Exception {
    return Json.MAPPER.readTree(response.body()).path("metadata").path("generation").asLong();
  }

  private void waitFor(String name, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode status = Json.MAPPER.readTree(server.send("GET", "/apis/apps/v1/namespaces/default/deployments/" + name, null, null).body())
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
