package dev.ordinal.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stall scenario of issue #10 on real pods: one client's API requests and DNS queries are
 * measured on a quiet server, then again while 10 interactive {@code kubectl exec -it} shells, 10
 * {@code kubectl logs -f} and 5 {@code kubectl port-forward} are open. Shared by the benchmark
 * ({@code bench/run.sh streams}) and its e2e test, which asserts only that everything answered.
 */
public final class StreamsScenario {
  public static final int SHELLS = 10;
  public static final int LOGS = 10;
  public static final int FORWARDS = 5;

  /** Both runs' figures and what the streams did meanwhile. */
  public record Result(Responsiveness.Figures quiet, Responsiveness.Figures withStreams, double slowestTypingMs,
      int forwardsAnswered, long logsStreaming, String transcript) {}

  private static final String PODS = """
      apiVersion: v1
      kind: Pod
      metadata: {name: ticker, labels: {app: ticker}}
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: ticker
          image: busybox
          command: ["sh", "-c", "while true; do echo tick; sleep 1; done"]
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: page, labels: {app: page}}
      spec:
        terminationGracePeriodSeconds: 1
        containers:
        - name: nginx
          image: nginx
          ports: [{containerPort: 80}]
      """;

  private StreamsScenario() {}

  /** Runs the scenario in {@code namespace} (created if missing) of the server the kubeconfig names. */
  public static Result run(Path kubeconfig, String namespace, int dnsPort, int requests) throws Exception {
    kubectl(kubeconfig, null, "create", "namespace", namespace);
    kubectl(kubeconfig, PODS, "-n", namespace, "apply", "-f", "-");
    kubectl(kubeconfig, null, "-n", namespace, "wait", "--for=condition=Ready", "pod/ticker", "pod/page", "--timeout=180s");
    Responsiveness probe = new Responsiveness(kubeconfig, dnsPort);
    Duration limit = Duration.ofSeconds(20);
    probe.measure(namespace, "ticker", requests / 10, limit); // warm-up: JIT, connections, caches
    Responsiveness.Figures quiet = probe.measure(namespace, "ticker", requests, limit);
    try (OpenStreams streams = new OpenStreams(kubeconfig, namespace)) {
      streams.shells("ticker", SHELLS).logs("ticker", LOGS).forwards("page", 80, FORWARDS);
      Responsiveness.Figures loaded = probe.measure(namespace, "ticker", requests, limit);
      double typing = streams.typeEverywhere("after");
      return new Result(quiet, loaded, typing, streams.fetchThroughForwards("/"), streams.liveLogs(), streams.transcript());
    } finally {
      kubectl(kubeconfig, null, "delete", "namespace", namespace, "--timeout=120s");
    }
  }

  private static String kubectl(Path kubeconfig, String stdin, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(240, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + out);
    }
    return out;
  }
}
