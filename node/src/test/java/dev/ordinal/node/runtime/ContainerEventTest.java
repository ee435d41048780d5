package dev.ordinal.node.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** kubelet's words, as `kubectl describe pod` shows them on Kubernetes 1.32. */
class ContainerEventTest {
  static final ObjectNode POD = Json.parseObject(
      "{\"metadata\":{\"name\":\"web-0\",\"namespace\":\"default\",\"uid\":\"1234\"}}".getBytes());

  @Test
  void containerLifecycle() {
    assertThat(ContainerEvent.pulled("nginx", false, "nginx:1.27").message()).isEqualTo("Container image \"nginx:1.27\" already present on machine");
    assertThat(ContainerEvent.created("nginx", false).message()).isEqualTo("Created container: nginx");
    assertThat(ContainerEvent.started("nginx", false).message()).isEqualTo("Started container nginx");
    assertThat(ContainerEvent.killing("nginx", false).message()).isEqualTo("Stopping container nginx");
    assertThat(ContainerEvent.killingForProbe("nginx", "liveness").message()).isEqualTo("Container nginx failed liveness probe, will be restarted");
    ContainerEvent backOff = ContainerEvent.backOff("nginx", false, POD);
    assertThat(backOff.type() + " " + backOff.reason() + " " + backOff.message())
        .isEqualTo("Warning BackOff Back-off restarting failed container nginx in pod web-0_default(1234)");
    assertThat(ContainerEvent.unhealthy("nginx", "Readiness", "HTTP probe failed with statuscode: 503").message())
        .isEqualTo("Readiness probe failed: HTTP probe failed with statuscode: 503");
  }

  @Test
  void fieldPathsNameTheContainer() {
    assertThat(ContainerEvent.started("nginx", false).fieldPath()).isEqualTo("spec.containers{nginx}");
    assertThat(ContainerEvent.started("page", true).fieldPath()).isEqualTo("spec.initContainers{page}");
  }

  @Test
  void backOffWaitingMessageNamesTheDelayAsGoDoes() {
    assertThat(ContainerEvent.backOffMessage("app", POD, Duration.ofSeconds(20)))
        .isEqualTo("back-off 20s restarting failed container=app pod=web-0_default(1234)");
    assertThat(ContainerEvent.goDuration(Duration.ofSeconds(80))).isEqualTo("1m20s");
    assertThat(ContainerEvent.goDuration(Duration.ofMinutes(5))).isEqualTo("5m0s");
    assertThat(ContainerEvent.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
  }
}
