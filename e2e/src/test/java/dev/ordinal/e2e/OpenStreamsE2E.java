package dev.ordinal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.bench.StreamsScenario;
import org.junit.jupiter.api.Test;

/**
 * Issue #10's stall: with 10 interactive {@code kubectl exec -it} shells, 10 {@code kubectl logs
 * -f} and 5 port-forwards open on real pods, another client's 1,000 API requests and the cluster
 * DNS still answer, and every shell still answers what is typed into it.
 *
 * <p>The server runs with as many virtual-thread carriers as it may ever have (no compensation):
 * a blocking native call left on a carrier then stops the server here, as it does on a 2-core
 * machine under JDK 21, instead of being hidden by the JDK adding carriers. The figures are the
 * benchmark's (bench/run.sh streams, docs/benchmarks.md); the bounds here are generous.
 */
@RealPodsTestBase.ServerJvmOptions({"-Djdk.virtualThreadScheduler.parallelism=2", "-Djdk.virtualThreadScheduler.maxPoolSize=2"})
class OpenStreamsE2E extends RealPodsTestBase {
  @Test
  void theServerKeepsAnsweringWhileStreamsAreOpen() throws Exception {
    StreamsScenario.Result r = StreamsScenario.run(ordinal.kubeconfig(), "streams", 10053, 1000);
    System.out.printf("stall scenario: API p99 %.2f ms quiet, %.2f ms with streams; DNS p99 %.2f / %.2f ms; slowest typed echo %.1f ms%n",
        r.quiet().api().percentileMillis(99), r.withStreams().api().percentileMillis(99),
        r.quiet().dns().percentileMillis(99), r.withStreams().dns().percentileMillis(99), r.slowestTypingMs());
    assertThat(r.withStreams().unanswered()).as("unanswered with streams open: %s", r.withStreams().failures()).isZero();
    assertThat(r.withStreams().api().count()).isEqualTo(1000);
    assertThat(r.withStreams().api().percentileMillis(100)).as("slowest API request with streams open").isLessThan(10_000);
    assertThat(r.withStreams().dns().percentileMillis(100)).as("slowest DNS query with streams open").isLessThan(10_000);
    assertThat(r.forwardsAnswered()).as("port-forwards that served the page\n%s", r.transcript()).isEqualTo(StreamsScenario.FORWARDS);
    assertThat(r.logsStreaming()).as("logs -f still following").isEqualTo(StreamsScenario.LOGS);
  }
}
