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

  public static void main(String[] args) throws Exception {
    new StatefulSetBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 20);
  }

  private void run(int replicas) throws Exception {
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

      t = System.nanoTime();
      create("burst", replicas * 2, "Parallel");
      waitFor("burst", s -> s.path("readyReplicas").asInt() == replicas * 2);
      row("Parallel: " + replicas * 2 + " replicas (with claims provisioned) Ready", t);

      t = System.nanoTime();
      server.send("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/ordered", "application/strategic-merge-patch+json",
          "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:1.28\"}]}}}}");
      waitFor("ordered", s -> s.path("updatedReplicas").asInt() == replicas && s.path("readyReplicas").asInt() == replicas
          && s.path("currentRevision").equals(s.path("updateRevision")));
      row("rolling update of " + replicas + " ordered replicas (1 s simulated stop each)", t);

      t = System.nanoTime();
      server.send("PATCH", "/apis/apps/v1/namespaces/default/statefulsets/burst/scale", "application/merge-patch+json",
          "{\"spec\":{\"replicas\":0}}");
      waitFor("burst", s -> s.path("replicas").asInt() == 0);
      row("Parallel scale-down of " + replicas * 2 + " replicas to 0", t);
    } finally {
      server.close();
    }
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
