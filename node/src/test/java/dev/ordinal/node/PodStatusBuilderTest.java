package dev.ordinal.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.runtime.PodObservation;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status written before the runtime has set a pod up, as kubelet writes it. */
class PodStatusBuilderTest {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  static ObjectNode pod(String specExtra) {
    return Json.parseObject(("{'metadata':{'name':'p','namespace':'d','uid':'u'},'spec':{'containers':[{'name':'app','image':'x'}]"
        + specExtra + "},'status':{'phase':'Pending'}}").replace('\'', '"').getBytes());
  }

  static String condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  @Test
  void containersAreBeingCreatedBeforeTheRuntimeReportsThem() {
    ObjectNode status = PodStatusBuilder.build(pod(""), PodObservation.nothingYet(true), Map.of(), "127.0.0.1", NOW);
    assertThat(status.path("phase").asText()).isEqualTo("Pending");
    assertThat(status.path("containerStatuses").get(0).path("state").path("waiting").path("reason").asText()).isEqualTo("ContainerCreating");
    assertThat(status.path("containerStatuses").get(0).path("ready").asBoolean()).isFalse();
    assertThat(condition(status, "Initialized")).isEqualTo("True");
    assertThat(condition(status, "Ready")).isEqualTo("False");
    assertThat(status.has("podIP")).isFalse();
  }

  @Test
  void withInitContainersEveryContainerIsInitializing() {
    ObjectNode status = PodStatusBuilder.build(pod(",'initContainers':[{'name':'setup','image':'x'}]"), PodObservation.nothingYet(false),
        Map.of(), "127.0.0.1", NOW);
    assertThat(status.path("initContainerStatuses").get(0).path("state").path("waiting").path("reason").asText()).isEqualTo("PodInitializing");
    assertThat(status.path("containerStatuses").get(0).path("state").path("waiting").path("reason").asText()).isEqualTo("PodInitializing");
    assertThat(condition(status, "Initialized")).isEqualTo("False");
  }
}
