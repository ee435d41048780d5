package dev.ordinal.node.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulatedRuntimeTest {
  static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");

  static ObjectNode pod(String annotations, String spec) {
    return Json.parseObject(("{'metadata':{'name':'p','namespace':'d','uid':'u1','annotations':{" + annotations + "}},"
        + "'spec':{'restartPolicy':'Always','containers':[{'name':'app','image':'x'}]" + spec + "}}").replace('\'', '"').getBytes());
  }

  final SimulatedRuntime runtime = new SimulatedRuntime(Duration.ofSeconds(1), Duration.ofSeconds(4));

  /** An in-place update: the container restarts with the new image at once, in the same pod (same IP). */
  @Test
  void aChangedImageRestartsTheContainerWithIt() {
    ObjectNode p = pod("", "");
    PodObservation first = runtime.sync(p, T0);
    assertThat(first.containers().get(0).image()).isEqualTo("x");
    ((ObjectNode) p.path("spec").path("containers").get(0)).put("image", "y");
    PodObservation o = runtime.sync(p, T0.plusSeconds(1));
    ContainerState c = o.containers().get(0);
    assertThat(c.state()).isEqualTo(ContainerState.State.RUNNING);
    assertThat(c.image()).isEqualTo("y");
    assertThat(c.restartCount()).isEqualTo(1);
    assertThat(c.containerId()).isNotEqualTo(first.containers().get(0).containerId());
    assertThat(c.lastTermination().exitCode()).isEqualTo(137);
    assertThat(o.podIp()).isEqualTo(first.podIp());
    assertThat(o.events()).extracting(e -> e.reason() + ": " + e.message()).containsExactly(
        "Killing: Container app definition changed, will be restarted", "Pulled: Container image \"y\" already present on machine",
        "Created: Created container: app", "Started: Started container app");
    assertThat(runtime.sync(p, T0.plusSeconds(2)).containers().get(0).restartCount()).as("once").isEqualTo(1);
  }

  @Test
  void initContainersRunInOrderBeforeTheApp() {
    PodObservation o = runtime.sync(pod("", ",'initContainers':[{'name':'i1','image':'x'},{'name':'i2','image':'x'}]"), T0);
    assertThat(o.initialized()).isTrue();
    assertThat(o.initContainers()).extracting(ContainerState::name).containsExactly("i1", "i2");
    assertThat(o.initContainers()).allMatch(c -> c.state() == ContainerState.State.TERMINATED && c.exitCode() == 0);
    assertThat(o.containers().get(0).state()).isEqualTo(ContainerState.State.RUNNING);
    assertThat(o.podIp()).startsWith("10.88.");
  }

  @Test
  void aFailingInitContainerHoldsTheAppBack() {
    PodObservation o = runtime.sync(pod("'sim.ordinal.dev/init-fail':'true'", ",'initContainers':[{'name':'i1','image':'x'}]"), T0);
    assertThat(o.initialized()).isFalse();
    assertThat(o.containers()).isEmpty();
    assertThat(o.initContainers().get(0).reason()).isEqualTo("CrashLoopBackOff");
  }

  @Test
  void crashingContainersRestartWithGrowingBackOff() {
    ObjectNode p = pod("'sim.ordinal.dev/crash-after':'2s'", "");
    runtime.sync(p, T0);
    ContainerState crashed = runtime.sync(p, T0.plusSeconds(2)).containers().get(0);
    assertThat(crashed.reason()).isEqualTo("CrashLoopBackOff");
    assertThat(crashed.lastTermination().exitCode()).isEqualTo(1);
    assertThat(runtime.sync(p, T0.plusMillis(2500)).containers().get(0).state()).isEqualTo(ContainerState.State.WAITING);
    ContainerState restarted = runtime.sync(p, T0.plusSeconds(3)).containers().get(0);
    assertThat(restarted.state()).isEqualTo(ContainerState.State.RUNNING);
    assertThat(restarted.restartCount()).isEqualTo(1);
  }

  @Test
  void completedContainersAreNotRestartedUnderNever() {
    ObjectNode p = pod("'sim.ordinal.dev/exit-after':'1s','sim.ordinal.dev/exit-code':'0'", "");
    p.with("spec").put("restartPolicy", "Never");
    runtime.sync(p, T0);
    ContainerState done = runtime.sync(p, T0.plusSeconds(5)).containers().get(0);
    assertThat(done.state()).isEqualTo(ContainerState.State.TERMINATED);
    assertThat(done.reason()).isEqualTo("Completed");
  }

  @Test
  void stoppingTakesTheStopDelayCappedByTheGracePeriod() {
    ObjectNode p = pod("'sim.ordinal.dev/stop-delay':'5s'", "");
    runtime.sync(p, T0);
    assertThat(runtime.stop(p, 30, T0)).isFalse();
    assertThat(runtime.stop(p, 30, T0.plusSeconds(5))).isTrue();
    ObjectNode q = pod("'sim.ordinal.dev/stop-delay':'60s'", "");
    q.with("metadata").put("uid", "u2");
    runtime.sync(q, T0);
    assertThat(runtime.stop(q, 2, T0)).isFalse();
    assertThat(runtime.stop(q, 2, T0.plusSeconds(2))).isTrue();
  }

  @Test
  void neverReadyPodsFailReadiness() {
    assertThat(runtime.probe(pod("'sim.ordinal.dev/never-ready':'true'", ""), "app", "readiness", T0).passed()).isFalse();
    assertThat(runtime.probe(pod("", ""), "app", "readiness", T0).passed()).isTrue();
  }

  @Test
  void anExplicitRootUnderRunAsNonRootIsRefusedAsKubeletRefusesIt() {
    ObjectNode p = pod("", ",'securityContext':{'runAsNonRoot':true,'runAsUser':0}");
    ContainerState c = runtime.sync(p, T0).containers().get(0);
    assertThat(c.state()).isEqualTo(ContainerState.State.WAITING);
    assertThat(c.reason()).isEqualTo("CreateContainerConfigError");
    assertThat(c.message()).isEqualTo("container's runAsUser breaks non-root policy (pod: \"p_d(u1)\", container: app)");
    assertThat(runtime.sync(p, T0.plusSeconds(5)).containers().get(0).reason()).isEqualTo("CreateContainerConfigError");

    ContainerState allowed = new SimulatedRuntime().sync(pod("", ",'securityContext':{'runAsNonRoot':true,'runAsUser':1000}"), T0)
        .containers().get(0);
    assertThat(allowed.state()).isEqualTo(ContainerState.State.RUNNING);
  }
}
