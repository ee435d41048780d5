package dev.ordinal.scheduler.daemonset;

import static dev.ordinal.scheduler.daemonset.DaemonSetPlannerTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import org.junit.jupiter.api.Test;

class DaemonSetControllerTest {
  /** A status read back from the API (other field order, int nodes) is not rewritten: no write loop. */
  @Test
  void aStatusEqualButForOrderAndNumberTypesIsTheSame() {
    ObjectNode stored = obj("{'numberReady':1,'desiredNumberScheduled':1,'observedGeneration':2}");
    ObjectNode computed = Json.object().put("desiredNumberScheduled", 1).put("numberReady", 1).put("observedGeneration", 2L);
    assertThat(stored.equals(computed)).isFalse(); // why a plain equals would not do
    assertThat(DaemonSetController.same(stored, computed)).isTrue();
    assertThat(DaemonSetController.same(stored, computed.deepCopy().put("numberReady", 0))).isFalse();
    assertThat(DaemonSetController.same(stored, computed.deepCopy().put("numberAvailable", 1))).isFalse();
  }
}
