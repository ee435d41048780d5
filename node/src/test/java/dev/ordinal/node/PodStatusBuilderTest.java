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

  @Test
  void ephemeralContainersGetTheirOwnStatusesAndLeaveThePodsPhaseAlone() {
    ObjectNode pod = pod(",'ephemeralContainers':[{'name':'debugger','image':'busybox'},{'name':'later','image':'busybox'}]");
    var running = new dev.ordinal.node.runtime.ContainerState("app", dev.ordinal.node.runtime.ContainerState.State.RUNNING, "", 0, NOW, null,
        0, "runc://a", null);
    var debugger = new dev.ordinal.node.runtime.ContainerState("debugger", dev.ordinal.node.runtime.ContainerState.State.TERMINATED,
        "Completed", 0, NOW, NOW.plusSeconds(3), 0, "runc://d", null);
    PodObservation obs = new PodObservation("10.88.0.2", java.util.List.of(), java.util.List.of(running), true, null, java.util.List.of(),
        java.util.List.of(debugger));
    ObjectNode status = PodStatusBuilder.build(pod, obs, Map.of("app", true), "127.0.0.1", NOW);
    assertThat(status.path("phase").asText()).isEqualTo("Running");
    assertThat(condition(status, "Ready")).isEqualTo("True");
    JsonNode eph = status.path("ephemeralContainerStatuses");
    assertThat(eph.findValuesAsText("name")).containsExactly("debugger", "later");
    assertThat(eph.get(0).path("state").path("terminated").path("exitCode").asInt(-1)).isZero();
    assertThat(eph.get(0).path("ready").asBoolean()).isFalse();
    assertThat(eph.get(1).path("state").path("waiting").path("reason").asText()).isEqualTo("ContainerCreating");
  }
}
