package dev.ordinal.apiserver.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.nodes.NodeStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourceMetricsTest {
  @ParameterizedTest
  @CsvSource({"1000000000, 1", "2000000000, 2", "998877665, 998877665n", "0, 0", "1500000000, 1500000000n"})
  void cpuAsMetricsServerWritesIt(long nanoCores, String expected) {
    assertThat(ResourceMetrics.cpu(nanoCores)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1000, 1000", "2048, 2Ki", "3145728, 3Mi", "1073741824, 1Gi", "1049600, 1025Ki"})
  void memoryAsABinaryQuantity(long bytes, String expected) {
    assertThat(ResourceMetrics.memory(bytes)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"5000, 5s", "5012, 5.012s", "60000, 1m0s", "90500, 1m30.5s"})
  void windowsAsGoDurations(long millis, String expected) {
    assertThat(ResourceMetrics.window(Duration.ofMillis(millis))).isEqualTo(expected);
  }

  @Test
  void podMetricsListTheAppAndEphemeralContainersInSpecOrder() {
    ObjectNode pod = Json.parseObject(("{'metadata':{'name':'burn','namespace':'default','uid':'u1','labels':{'app':'burn'}},"
        + "'spec':{'initContainers':[{'name':'setup'}],'containers':[{'name':'b'},{'name':'a'}],'ephemeralContainers':[{'name':'debugger'}]}}")
        .replace('\'', '"').getBytes());
    Instant t = Instant.parse("2026-12-03T08:00:05Z");
    NodeStats.Usage u = new NodeStats.Usage(t, Duration.ofSeconds(5), 998_000_000L, 1_048_576L);
    List<NodeStats.ContainerUsage> measured = List.of(new NodeStats.ContainerUsage("a", u), new NodeStats.ContainerUsage("b", u),
        new NodeStats.ContainerUsage("debugger", u), new NodeStats.ContainerUsage("setup", u));
    ObjectNode m = ResourceMetrics.podMetrics(pod, ResourceMetrics.ofPod(pod, measured), t.plusSeconds(1));
    assertThat(m.path("kind").asText()).isEqualTo("PodMetrics");
    assertThat(m.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
    assertThat(m.path("metadata").path("labels").path("app").asText()).isEqualTo("burn");
    assertThat(m.path("window").asText()).isEqualTo("5s");
    assertThat(m.path("timestamp").asText()).isEqualTo("2026-12-03T08:00:05Z");
    assertThat(m.path("containers").findValuesAsText("name")).containsExactly("b", "a", "debugger");
    assertThat(m.path("containers").get(0).path("usage").path("cpu").asText()).isEqualTo("998000000n");
    assertThat(m.path("containers").get(0).path("usage").path("memory").asText()).isEqualTo("1Mi");
  }
}
