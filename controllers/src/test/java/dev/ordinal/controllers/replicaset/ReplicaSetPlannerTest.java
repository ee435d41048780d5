package dev.ordinal.controllers.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.controllers.pods.ScaleDownOrderTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReplicaSetPlannerTest {
  static final Instant NOW = ScaleDownOrderTest.NOW;

  static ObjectNode rs(int replicas) {
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    rs.putObject("metadata").put("name", "web").put("namespace", "d").put("uid", "rs-uid").put("generation", 3);
    ObjectNode spec = rs.putObject("spec");
    spec.put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", "web");
    spec.putObject("template").putObject("metadata").putObject("labels").put("app", "web").put("tier", "front");
    return rs;
  }

  static List<ObjectNode> pods(int running, int pending) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < running; i++) {
      out.add(ScaleDownOrderTest.pod("run-" + i, "n1", "Running", 100 + i, 0, 1000));
    }
    for (int i = 0; i < pending; i++) {
      out.add(ScaleDownOrderTest.pod("pend-" + i, "", "Pending", -1, 0, 10));
    }
    return out;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // replicas, running pods, pending pods -> creations, deletions (names)
        Arguments.of("creates what is missing", 3, 1, 0, 3 - 1, List.of()),
        Arguments.of("does nothing when the count is right", 2, 1, 1, 0, List.of()),
        Arguments.of("deletes pending pods before running ones", 2, 2, 1, 0, List.of("pend-0")),
        Arguments.of("scales to zero", 0, 2, 0, 0, List.of("run-0", "run-1")),
        Arguments.of("creates at most a burst per pass", 1200, 0, 0, ReplicaSetPlanner.BURST, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, int replicas, int running, int pending, int creates, List<String> deletes) {
    ReplicaSetPlanner.Plan plan = ReplicaSetPlanner.plan(rs(replicas), pods(running, pending), NOW);
    assertThat(plan.create()).isEqualTo(creates);
    assertThat(plan.delete().stream().map(Meta::name).sorted().toList()).isEqualTo(deletes);
  }

  @Test
  void statusCountsReadyAvailableAndFullyLabelledPods() {
    ObjectNode owner = rs(3);
    ((ObjectNode) owner.path("spec")).put("minReadySeconds", 60);
    List<ObjectNode> pods = new ArrayList<>();
    ObjectNode labelled = ScaleDownOrderTest.pod("a", "n1", "Running", 100, 0, 1000);
    Meta.of(labelled).putObject("labels").put("app", "web").put("tier", "front");
    pods.add(labelled);
    pods.add(ScaleDownOrderTest.pod("b", "n1", "Running", 10, 0, 1000)); // ready, not yet available
    pods.add(ScaleDownOrderTest.pod("c", "", "Pending", -1, 0, 1000));
    ObjectNode status = ReplicaSetStatus.compute(owner, pods, null, NOW);
    assertThat(status.path("replicas").asInt()).isEqualTo(3);
    assertThat(status.path("fullyLabeledReplicas").asInt()).isEqualTo(1);
    assertThat(status.path("readyReplicas").asInt()).isEqualTo(2);
    assertThat(status.path("availableReplicas").asInt()).isEqualTo(1);
    assertThat(status.path("observedGeneration").asInt()).isEqualTo(3);
    assertThat(ReplicaSetController.requeueForAvailability(owner, pods, NOW)).hasValueSatisfying(d -> assertThat(d.toSeconds()).isEqualTo(50));
  }

  @Test
  void aFailedCreationSetsReplicaFailureAndASuccessfulPassClearsIt() {
    ObjectNode owner = rs(3);
    ObjectNode failed = ReplicaSetStatus.compute(owner, List.of(), new String[] {"FailedCreate", "pods \"x\" is forbidden"}, NOW);
    assertThat(failed.path("conditions").get(0).path("type").asText()).isEqualTo("ReplicaFailure");
    assertThat(failed.path("conditions").get(0).path("reason").asText()).isEqualTo("FailedCreate");
    owner.set("status", failed);
    assertThat(ReplicaSetStatus.compute(owner, List.of(), null, NOW).has("conditions")).isFalse();
    assertThat(ReplicaSetStatus.differs(owner, ReplicaSetStatus.compute(owner, List.of(), null, NOW))).isTrue();
  }
}
