package dev.ordinal.controllers.pods;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's order of deletion on scale-down, one rule per row: the first pod must go first. */
public class ScaleDownOrderTest {
  public static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  /** A pod: node ("" = unassigned), phase, ready since (seconds ago, -1 = not ready), restarts, created (seconds ago). */
  public static ObjectNode pod(String name, String node, String phase, long readyAgo, int restarts, long createdAgo) {
    ObjectNode p = Json.object();
    ObjectNode meta = p.putObject("metadata");
    meta.put("name", name).put("uid", "uid-" + name).put("creationTimestamp", Meta.timestamp(NOW.minusSeconds(createdAgo)));
    p.putObject("spec").put("nodeName", node);
    ObjectNode status = p.putObject("status");
    status.put("phase", phase);
    status.putArray("conditions").addObject().put("type", "Ready").put("status", readyAgo >= 0 ? "True" : "False")
        .put("lastTransitionTime", Meta.timestamp(NOW.minusSeconds(Math.max(readyAgo, 0))));
    status.putArray("containerStatuses").addObject().put("name", "c").put("restartCount", restarts);
    return p;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("unassigned before assigned",
            pod("a", "", "Pending", -1, 0, 100), pod("b", "n1", "Pending", -1, 0, 100)),
        Arguments.of("Pending before Running",
            pod("a", "n1", "Pending", -1, 0, 100), pod("b", "n1", "Running", -1, 0, 100)),
        Arguments.of("Unknown before Running",
            pod("a", "n1", "Unknown", -1, 0, 100), pod("b", "n1", "Running", -1, 0, 100)),
        Arguments.of("not ready before ready",
            pod("a", "n1", "Running", -1, 0, 100), pod("b", "n1", "Running", 50, 0, 100)),
        Arguments.of("ready for less time first",
            pod("a", "n1", "Running", 10, 0, 5000), pod("b", "n1", "Running", 3000, 0, 5000)),
        Arguments.of("more restarts first",
            pod("a", "n1", "Running", 100, 5, 5000), pod("b", "n1", "Running", 100, 1, 5000)),
        Arguments.of("newer first",
            pod("a", "n1", "Running", 100, 0, 200), pod("b", "n1", "Running", 100, 0, 20000)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void firstGoesFirst(String rule, ObjectNode first, ObjectNode second) {
    assertThat(names(ScaleDownOrder.toDelete(List.of(second, first), 1, NOW))).containsExactly("a");
    assertThat(names(ScaleDownOrder.toDelete(List.of(first, second), 1, NOW))).containsExactly("a");
  }

  @org.junit.jupiter.api.Test
  void podsDoubledUpOnANodeGoBeforeOnesAlone() {
    ObjectNode alone = pod("alone", "n1", "Running", 100, 0, 5000);
    ObjectNode crowdedA = pod("crowded-a", "n2", "Running", 100, 0, 5000);
    ObjectNode crowdedB = pod("crowded-b", "n2", "Running", 100, 0, 5000);
    assertThat(names(ScaleDownOrder.toDelete(List.of(alone, crowdedA, crowdedB), 1, NOW))).first().asString().startsWith("crowded");
  }

  @org.junit.jupiter.api.Test
  void aLowerDeletionCostGoesFirst() {
    ObjectNode cheap = pod("cheap", "n1", "Running", 100, 0, 5000);
    ObjectNode dear = pod("dear", "n2", "Running", 10, 9, 10);
    Meta.of(dear).putObject("annotations").put(ScaleDownOrder.DELETION_COST, "100");
    assertThat(names(ScaleDownOrder.toDelete(List.of(dear, cheap), 1, NOW))).containsExactly("cheap");
  }

  @org.junit.jupiter.api.Test
  void agesWithinOnePowerOfTwoTieAndTheUidDecides() {
    ObjectNode a = pod("a", "n1", "Running", 1000, 0, 5000);
    ObjectNode b = pod("b", "n1", "Running", 1010, 0, 5000);
    assertThat(ScaleDownOrder.ageBucket(NOW.minusSeconds(1000), NOW)).isEqualTo(ScaleDownOrder.ageBucket(NOW.minusSeconds(1010), NOW));
    assertThat(names(ScaleDownOrder.toDelete(List.of(b, a), 1, NOW))).containsExactly("a");
  }

  static List<String> names(List<ObjectNode> pods) {
    return pods.stream().map(Meta::name).toList();
  }
}
