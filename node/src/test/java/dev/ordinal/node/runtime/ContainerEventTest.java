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
  void imagePulls() {
    assertThat(ContainerEvent.pulling("app", false, "127.0.0.1:5000/team/app:1").message()).isEqualTo("Pulling image \"127.0.0.1:5000/team/app:1\"");
    assertThat(ContainerEvent.pulledFrom("app", false, "app:1", Duration.ofMillis(1234), Duration.ofMillis(1500), 2048, "").message())
        .isEqualTo("Successfully pulled image \"app:1\" in 1.234s (1.5s including waiting). Image size: 2048 bytes.");
    assertThat(ContainerEvent.pulledFrom("app", false, "app:1", Duration.ofMillis(523), Duration.ofMillis(61_000), 1, "https://m/x").message())
        .isEqualTo("Successfully pulled image \"app:1\" in 523ms (1m1s including waiting). Image size: 1 bytes. Source: https://m/x.");
    assertThat(ContainerEvent.present("app", false, "busybox", "host image").message())
        .isEqualTo("Container image \"busybox\" already present on machine (host image)");
    ContainerEvent failed = ContainerEvent.pullFailed("app", false, "app:1", "boom");
    assertThat(failed.type() + " " + failed.reason() + " " + failed.message()).isEqualTo("Warning Failed Failed to pull image \"app:1\": boom");
    ContainerEvent backOff = ContainerEvent.pullBackOff("app", false, "app:1");
    assertThat(backOff.type() + " " + backOff.reason() + " " + backOff.message()).isEqualTo("Normal BackOff Back-off pulling image \"app:1\"");
    assertThat(ContainerEvent.error("app", false, "ImagePullBackOff").message()).isEqualTo("Error: ImagePullBackOff");
    assertThat(ContainerEvent.neverPull("app", false, "app:1").message()).isEqualTo("Container image \"app:1\" is not present with pull policy of Never");
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
