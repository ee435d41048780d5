package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue #16's figure: a Parallel StatefulSet (no claims) spread over three node agents, each its
 * own JVM joined over HTTPS with a token as on other hosts (`ordinal agent --runtime simulated`,
 * on 127.0.0.2–4), against the same set on the one in-process simulated node of `ordinal up` in
 * the same run. Simulated containers start at once: the figures are the control plane's and the
 * agents' API round trips.
 */
public final class AgentsBench {
  private static final int AGENTS = 3;

  /** Arguments: the set's size (default 1,000). */
  public static void main(String[] args) throws Exception {
    int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    System.out.println("| measure | result |");
    System.out.println("|---|---|");
    double local = oneNode(replicas);
    double remote = threeAgents(replicas);
    System.out.println(String.format(Locale.ROOT, "| ratio (3 agents / 1 in-process node) | %.2f |", remote / local));
  }

  private static double oneNode(int replicas) throws Exception {
    Path work = Files.createTempDirectory("ordinal-agents-bench");
    try (BenchServer server = new BenchServer(work, "simulated", "--dns-listen", "")) {
      server.start();
      return burst(server, replicas, "1 in-process simulated node");
    }
  }

  private static double threeAgents(int replicas) throws Exception {
    Path work = Files.createTempDirectory("ordinal-agents-bench");
    List<Process> agents = new ArrayList<>();
    try (BenchServer server = new BenchServer(work, "none", "--dns-listen", "")) {
      server.start();
      Path token = token(work);
      for (int i = 1; i <= AGENTS; i++) {
        agents.add(agent(work, server.base, token, i));
      }
      awaitReadyNodes(server, AGENTS);
      return burst(server, replicas, AGENTS + " simulated agents, each its own JVM over HTTPS");
    } finally {
      for (Process p : agents) {
        p.destroy();
        p.waitFor();
      }
    }
  }

  private static Path token(Path work) throws Exception {
    Path token = work.resolve("token");
    String last = "";
    for (int i = 0; i < 20; i++) {
      Process p = new ProcessBuilder(BenchServer.ordinal(List.of("token", "create", "--data-dir", work.resolve("data").toString())))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String out = new String(p.getInputStream().readAllBytes()).strip();
      if (p.waitFor() == 0 && out.startsWith("K10")) {
        Files.writeString(token, out + "\n");
        return token;
      }
      last = out;
      Thread.sleep(500);
    }
    throw new IllegalStateException("ordinal token create failed: " + last);
  }

  private static Process agent(Path work, String server, Path token, int i) throws Exception {
    List<String> args = List.of("agent", "--runtime", "simulated", "--server", server, "--token-file", token.toString(),
        "--node-name", "sim-" + i, "--node-ip", "127.0.0." + (i + 1), "--data-dir", work.resolve("agent-" + i).toString());
    return new ProcessBuilder(BenchServer.ordinal(args)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("agent-" + i + ".log").toFile())).start();
  }

  private static void awaitReadyNodes(BenchServer server, int count) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      int ready = 0;
      for (JsonNode n : Json.MAPPER.readTree(server.send("GET", "/api/v1/nodes", null, null).body()).path("items")) {
        for (JsonNode c : n.path("status").path("conditions")) {
          if (c.path("type").asText().equals("Ready") && c.path("status").asText().equals("True")) {
            ready++;
          }
        }
      }
      if (ready >= count) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException(count + " agents did not become Ready nodes in 120 s");
  }

  /** Creates a Parallel set of {@code replicas} and waits for all Ready; prints and returns the seconds. */
  private static double burst(BenchServer server, int replicas, String where) throws Exception {
    String sts = """
        {"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"spread"},"spec":{"replicas":%d,
         "podManagementPolicy":"Parallel","serviceName":"spread","selector":{"matchLabels":{"app":"spread"}},
         "template":{"metadata":{"labels":{"app":"spread"}},"spec":{"containers":[{"name":"app","image":"nginx:1.27"}]}}}}"""
        .formatted(replicas);
    long t = System.nanoTime();
    server.send("POST", "/apis/apps/v1/namespaces/default/statefulsets", "application/json", sts);
    long deadline = t + 600_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode status = Json.MAPPER.readTree(server.send("GET", "/apis/apps/v1/namespaces/default/statefulsets/spread", null, null)
          .body()).path("status");
      if (status.path("readyReplicas").asInt() == replicas) {
        double secs = (System.nanoTime() - t) / 1e9;
        System.out.println(String.format(Locale.ROOT, "| Parallel: %d replicas Ready on %s | %.2f s (%.0f pods/s) |",
            replicas, where, secs, replicas / secs));
        return secs;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("the set was not Ready in 10 minutes on " + where);
  }
}
