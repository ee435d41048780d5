package dev.ordinal.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import org.junit.jupiter.api.Test;

class PodLedgerTest {
  static ObjectNode pod(String name, String node, String phase) {
    ObjectNode p = Json.parseObject(("{'metadata':{'name':'" + name + "','namespace':'d'},'spec':{'nodeName':'" + node + "',"
        + "'containers':[{'name':'c','resources':{'requests':{'cpu':'250m'}}}],"
        + "'volumes':[{'name':'v','persistentVolumeClaim':{'claimName':'data-" + name + "'}}]},'status':{'phase':'" + phase + "'}}")
        .replace('\'', '"').getBytes());
    return p;
  }

  @Test
  void countsBoundPodsOnceWhateverHowOftenTheyChange() {
    PodLedger ledger = new PodLedger();
    ledger.observe(pod("a", "n1", "Pending"), false);
    ledger.observe(pod("a", "n1", "Running"), false);
    ledger.observe(pod("b", "n1", "Running"), false);
    assertThat(ledger.usage("n1").pods()).isEqualTo(2);
    assertThat(ledger.usage("n1").cpu()).isEqualByComparingTo("0.5");
    assertThat(ledger.usage("n1").memory()).isEqualByComparingTo("0");
    assertThat(ledger.usage("n1").nonZeroMemory()).as("scoring counts 200Mi for a container requesting none")
        .isEqualByComparingTo(String.valueOf(2L * 200 * 1024 * 1024));
    assertThat(ledger.podsOn("n1")).extracting(p -> p.path("metadata").path("name").asText()).containsExactlyInAnyOrder("a", "b");
    ledger.observe(pod("b", "n1", "Succeeded"), false);
    ledger.observe(pod("a", "n1", "Running"), true);
    assertThat(ledger.usage("n1").pods()).isZero();
    assertThat(ledger.usage("n1").cpu()).isEqualByComparingTo("0");
  }

  /** In-place resize, as upstream 1.33 counts it: the larger of spec and reported while under way, the reported once Infeasible. */
  @Test
  void aResizedPodCountsAsUpstreamCountsIt() {
    ObjectNode p = pod("r", "n1", "Running");
    ((ObjectNode) p.path("spec").path("containers").get(0).path("resources").path("requests")).put("cpu", "4");
    p.with("status").putArray("containerStatuses").addObject().put("name", "c").putObject("resources").putObject("requests")
        .put("cpu", "250m");
    PodLedger ledger = new PodLedger();
    ledger.observe(p, false);
    assertThat(ledger.usage("n1").cpu()).isEqualByComparingTo("4");
    p.with("status").putArray("conditions").addObject().put("type", "PodResizePending").put("status", "True").put("reason", "Infeasible");
    ledger.observe(p, false);
    assertThat(ledger.usage("n1").cpu()).isEqualByComparingTo("0.25");
  }

  @Test
  void tracksPendingPodsAndTheClaimsTheyWaitFor() {
    PodLedger ledger = new PodLedger();
    ObjectNode waiting = pod("w", "", "Pending");
    ledger.observe(waiting, false);
    assertThat(ledger.pending()).containsExactly("d/w");
    assertThat(ledger.usersOf("d/data-w")).containsExactly("d/w");
    ledger.assume(waiting, "n2");
    assertThat(ledger.pending()).isEmpty();
    assertThat(ledger.usersOf("d/data-w")).isEmpty();
    assertThat(ledger.usage("n2").pods()).isEqualTo(1);
    assertThat(ledger.podsOn("n2").get(0).path("spec").path("nodeName").asText()).as("an assumed pod is seen on its node").isEqualTo("n2");
    ledger.observe(pod("w", "n2", "Running"), false);
    assertThat(ledger.usage("n2").pods()).as("the bind's own event does not count it twice").isEqualTo(1);
  }
}
