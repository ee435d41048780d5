package dev.ordinal.controllers.disruption;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which DisruptionTarget conditions go stale, and when. */
class StaleDisruptionsTest {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  static ObjectNode pod(String phase, String reason, String status, String since, boolean terminating) {
    return Json.parseObject(("{'metadata':{'name':'p','namespace':'d'" + (terminating ? ",'deletionTimestamp':'2026-01-01T11:59:00Z'" : "")
        + "},'status':{'phase':'" + phase + "','conditions':[{'type':'Ready','status':'True'},{'type':'DisruptionTarget',"
        + "'status':'" + status + "','reason':'" + reason + "','lastTransitionTime':'" + since + "'}]}}").replace('\'', '"').getBytes());
  }

  record Case(String name, ObjectNode pod, Optional<Duration> expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("an eviction 30 s ago waits 90 s more", pod("Running", "EvictionByEvictionAPI", "True", "2026-01-01T11:59:30Z", false),
            Optional.of(Duration.ofSeconds(90))),
        new Case("an eviction 3 minutes ago is stale now", pod("Running", "EvictionByEvictionAPI", "True", "2026-01-01T11:57:00Z", false),
            Optional.of(Duration.ZERO)),
        new Case("a terminating pod's is not", pod("Running", "EvictionByEvictionAPI", "True", "2026-01-01T11:57:00Z", true),
            Optional.empty()),
        new Case("a finished pod's is not", pod("Failed", "EvictionByEvictionAPI", "True", "2026-01-01T11:57:00Z", false),
            Optional.empty()),
        new Case("the node agent's is not", pod("Running", "TerminationByKubelet", "True", "2026-01-01T11:57:00Z", false),
            Optional.empty()),
        new Case("a False one is not", pod("Running", "", "False", "2026-01-01T11:57:00Z", false), Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void staleIn(Case c) {
    assertThat(StaleDisruptions.staleIn(c.pod(), NOW)).isEqualTo(c.expected());
  }

  @org.junit.jupiter.api.Test
  void resetLeavesTypeAndStatusFalse() {
    ObjectNode p = pod("Running", "EvictionByEvictionAPI", "True", "2026-01-01T11:57:00Z", false);
    StaleDisruptions.reset(p, NOW);
    assertThat(p.path("status").path("conditions").get(1).toString())
        .isEqualTo("{\"type\":\"DisruptionTarget\",\"status\":\"False\",\"lastTransitionTime\":\"2026-01-01T12:00:00Z\"}");
    assertThat(StaleDisruptions.staleIn(p, NOW)).isEmpty();
  }
}
