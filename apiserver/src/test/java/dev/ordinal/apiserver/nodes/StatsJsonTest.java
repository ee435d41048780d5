package dev.ordinal.apiserver.nodes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node's usage crosses the agent wire as JSON and comes back the same. */
class StatsJsonTest {
  @Test
  void aSummaryRoundTrips() {
    Instant t = Instant.parse("2026-12-03T08:00:05.123456789Z");
    NodeStats.Usage u = new NodeStats.Usage(t, Duration.ofMillis(5012), 998_877_665L, 20_971_520L);
    NodeStats.Summary s = new NodeStats.Summary(u, Map.of("uid-1", List.of(new NodeStats.ContainerUsage("app", u),
        new NodeStats.ContainerUsage("debugger", u))));
    assertThat(StatsJson.fromJson(StatsJson.toJson(s))).isEqualTo(s);
    NodeStats.Summary noNode = new NodeStats.Summary(null, Map.of());
    assertThat(StatsJson.fromJson(StatsJson.toJson(noNode))).isEqualTo(noNode);
  }
}
