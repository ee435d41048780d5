package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A big Job on `ordinal up --runtime simulated`: how long the control plane (Job controller,
 * scheduler, agent) takes from creating a Job of many completions to its Complete condition.
 * Simulated containers exit with 0 as soon as they start, so each completion is one pod through
 * creation, scheduling, start, exit and counting. Three Jobs one after the other: a NonIndexed
 * one on the fresh server (its code not yet compiled by the JIT: the first Job takes about twice
 * as long), the same again, and an Indexed one.
 */
public final class JobBench {
  private BenchServer server;

  /** Arguments: completions (default 1000) and parallelism (default 100). */
  public static void main(String[] args) throws Exception {
    int completions = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    new JobBench().run(completions, parallelism);
  }

  private void run(int completions, int parallelism) throws Exception {
    Path work = Files.createTempDirectory("ordinal-job-bench");
    server = new BenchServer(work, "simulated");
    server.start();
    try {
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      String[][] runs = {{"NonIndexed", "first Job of the fresh server"}, {"NonIndexed", "again"}, {"Indexed", "after those"}};
      for (int r = 0; r < runs.length; r++) {
        String mode = runs[r][0];
        String name = "batch-" + r;
        long t = System.nanoTime();
        server.send("POST", "/apis/batch/v1/namespaces/default/jobs", "application/json", """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"%s"},"spec":{"completions":%d,"parallelism":%d,
             "completionMode":"%s","template":{"metadata":{"annotations":{"sim.ordinal.dev/exit-after":"0s","sim.ordinal.dev/exit-code":"0"}},
             "spec":{"restartPolicy":"Never","containers":[{"name":"work","image":"busybox"}]}}}}"""
            .formatted(name, completions, parallelism, mode));
        JsonNode status = waitForComplete(name);
        double secs = (System.nanoTime() - t) / 1e9;
        if (status.path("succeeded").asInt() < completions) {
          throw new IllegalStateException(name + " completed with " + status.path("succeeded") + " succeeded");
        }
        String line = String.format(Locale.ROOT, "| %s Job of %,d completions, parallelism %d (%s): created → Complete | %.2f s (%.0f completions/s) |",
            mode, completions, parallelism, runs[r][1], secs, completions / secs);
        System.out.println(line);
        System.err.println(line);
      }
    } finally {
      server.close();
    }
  }

  private JsonNode waitForComplete(String name) throws Exception {
    long deadline = System.nanoTime() + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode status = Json.MAPPER.readTree(server.send("GET", "/apis/batch/v1/namespaces/default/jobs/" + name, null, null).body())
          .path("status");
      for (JsonNode c : status.path("conditions")) {
        if (c.path("status").asText().equals("True") && c.path("type").asText().equals("Complete")) {
          return status;
        }
        if (c.path("status").asText().equals("True") && c.path("type").asText().equals("Failed")) {
          throw new IllegalStateException(name + " failed: " + c);
        }
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(name + " did not complete in 10 minutes");
  }
}
