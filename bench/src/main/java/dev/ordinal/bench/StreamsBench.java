package dev.ordinal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The stall benchmark (issue #10) on real pods (root): API and DNS latency for one client on a
 * quiet server and with 10 {@code exec -it} shells, 10 {@code logs -f} and 5 port-forwards open.
 */
public final class StreamsBench {
  private StreamsBench() {}

  /** Arguments: API requests per run (default 1,000). */
  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Path work = Files.createTempDirectory("ordinal-streams-bench");
    try (BenchServer server = new BenchServer(work, "runc")) {
      server.start();
      StreamsScenario.Result r = StreamsScenario.run(work.resolve("data").resolve("kubeconfig"), "streams", 10053, requests);
      print(requests, r);
    } finally {
      BenchServer.removeBridgeIfUnused();
    }
  }

  static void print(int requests, StreamsScenario.Result r) {
    System.out.printf(Locale.ROOT, "| %d API requests + %d DNS queries, one client | quiet | %d exec -it, %d logs -f, %d port-forwards open | ratio |%n",
        requests, r.quiet().dns().count(), StreamsScenario.SHELLS, StreamsScenario.LOGS, StreamsScenario.FORWARDS);
    System.out.println("|---|---|---|---|");
    row("API p50", r.quiet().api().percentileMillis(50), r.withStreams().api().percentileMillis(50));
    row("API p99", r.quiet().api().percentileMillis(99), r.withStreams().api().percentileMillis(99));
    row("API max", r.quiet().api().percentileMillis(100), r.withStreams().api().percentileMillis(100));
    row("DNS p50", r.quiet().dns().percentileMillis(50), r.withStreams().dns().percentileMillis(50));
    row("DNS p99", r.quiet().dns().percentileMillis(99), r.withStreams().dns().percentileMillis(99));
    System.out.printf(Locale.ROOT, "| unanswered | %d | %d | |%n", r.quiet().unanswered(), r.withStreams().unanswered());
    System.out.printf(Locale.ROOT, "| slowest echo typed into the %d shells afterwards | | %.1f ms | |%n", StreamsScenario.SHELLS, r.slowestTypingMs());
  }

  private static void row(String what, double quiet, double loaded) {
    System.out.printf(Locale.ROOT, "| %s | %.2f ms | %.2f ms | %.2f× |%n", what, quiet, loaded, loaded / quiet);
  }
}
