package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The examples on real pods (root, with their Debian packages installed): time from `kubectl
 * apply -f examples/X.yaml` to every replica Ready, each run on fresh claims, and the MariaDB
 * scale-up from 3 to 4 replicas, the new replica's clone from its predecessor included.
 */
public final class ExamplesBench {
  private BenchServer server;
  private Path kubeconfig;
  private final Path examples = Path.of(System.getProperty("ordinal.root", "."), "examples").toAbsolutePath();

  /** Arguments: runs of each example (default 3). */
  public static void main(String[] args) throws Exception {
    new ExamplesBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 3);
  }

  private void run(int runs) throws Exception {
    Path work = Files.createTempDirectory("ordinal-examples-bench");
    server = new BenchServer(work, "runc");
    server.start();
    kubeconfig = work.resolve("data").resolve("kubeconfig");
    try {
      List<Double> web = new ArrayList<>();
      List<Double> zk = new ArrayList<>();
      List<Double> mariadb = new ArrayList<>();
      List<Double> scaleUp = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        web.add(applyUntilReady("web.yaml", "app=nginx", 3));
        remove("web.yaml");
        zk.add(applyUntilReady("zookeeper.yaml", "app=zk", 3));
        remove("zookeeper.yaml");
        mariadb.add(applyUntilReady("mariadb.yaml", "app=mysql", 3));
        long t = System.nanoTime();
        kubectl("scale", "statefulset", "mysql", "--replicas=4");
        awaitReady("app=mysql", 4);
        scaleUp.add((System.nanoTime() - t) / 1e9);
        remove("mariadb.yaml");
      }
      System.out.println("| example (" + runs + " runs each, fresh claims) | median | min – max |");
      System.out.println("|---|---|---|");
      row("web.yaml: apply → 3 nginx replicas Ready (OrderedReady)", web);
      row("zookeeper.yaml: apply → 3 members Ready with a quorum (Parallel)", zk);
      row("mariadb.yaml: apply → primary and 2 cloned replicas Ready (OrderedReady)", mariadb);
      row("mariadb: scale 3 → 4, until mysql-3 (cloned from mysql-2) is Ready", scaleUp);
    } finally {
      server.close();
      BenchServer.removeBridgeIfUnused();
    }
  }

  private double applyUntilReady(String example, String selector, int replicas) throws Exception {
    long t = System.nanoTime();
    kubectl("apply", "-f", examples.resolve(example).toString());
    awaitReady(selector, replicas);
    return (System.nanoTime() - t) / 1e9;
  }

  private void awaitReady(String selector, int replicas) throws Exception {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode pods = Json.MAPPER.readTree(server.send("GET", "/api/v1/namespaces/default/pods?labelSelector="
          + java.net.URLEncoder.encode(selector, java.nio.charset.StandardCharsets.UTF_8), null, null).body());
      int ready = 0;
      for (JsonNode p : pods.path("items")) {
        for (JsonNode c : p.path("status").path("conditions")) {
          if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
            ready++;
          }
        }
      }
      if (ready >= replicas) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(selector + ": not " + replicas + " Ready within 300 s");
  }

  /** Deletes the example and its claims, and waits until its pods are gone from the node. */
  private void remove(String example) throws Exception {
    kubectl("delete", "-f", examples.resolve(example).toString(), "--wait=true", "--timeout=120s");
    while (!Json.MAPPER.readTree(server.send("GET", "/api/v1/namespaces/default/pods", null, null).body()).path("items").isEmpty()) {
      Thread.sleep(100);
    }
    kubectl("delete", "pvc", "--all", "--wait=true", "--timeout=60s");
  }

  private void kubectl(String... args) throws Exception {
    BenchKubectl.run(kubeconfig, args);
  }

  private static void row(String what, List<Double> seconds) {
    BenchKubectl.row(what, seconds);
  }
}
