package dev.ordinal.node;

import static dev.ordinal.node.PodStatusBuilderTest.NOW;
import static dev.ordinal.node.PodStatusBuilderTest.condition;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.runtime.ContainerState;
import dev.ordinal.node.runtime.PodObservation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the status says of resizes: allocated and applied resources, PodResizeInProgress while the cgroup lags. */
class PodResizeStatusTest {
  static JsonNode json(String s) {
    return Json.parseObject(s.replace('\'', '"').getBytes());
  }

  static final ObjectNode POD = (ObjectNode) json("{'metadata':{'name':'p','namespace':'d','uid':'u'},'spec':{'containers':[{'name':'app',"
      + "'image':'x','resources':{'requests':{'cpu':'100m','memory':'32Mi','ephemeral-storage':'1Gi'},"
      + "'limits':{'cpu':'200m','memory':'128Mi'}}}]},'status':{'phase':'Running','qosClass':'Burstable'}}");

  static ObjectNode status(JsonNode applied, String error) {
    var running = new ContainerState("app", ContainerState.State.RUNNING, "", 0, NOW, null, 0, "runc://a", null).withResources(applied, error);
    return PodStatusBuilder.build(POD, new PodObservation("10.88.0.2", List.of(), List.of(running), true, null), Map.of("app", true),
        "127.0.0.1", NOW);
  }

  @Test
  void appliedResourcesAreReportedAndNoConditionOnceTheyMatch() {
    ObjectNode s = status(POD.path("spec").path("containers").get(0).path("resources"), "");
    JsonNode cs = s.path("containerStatuses").get(0);
    assertThat(cs.path("allocatedResources")).isEqualTo(json("{'cpu':'100m','memory':'32Mi'}"));
    assertThat(cs.path("resources")).isEqualTo(json("{'limits':{'cpu':'200m','memory':'128Mi'},'requests':{'cpu':'100m','memory':'32Mi'}}"));
    assertThat(condition(s, "PodResizeInProgress")).isEmpty();
    assertThat(condition(s, "PodResizePending")).isEmpty();
  }

  @Test
  void aCgroupStillAtTheOldLimitIsInProgressAndAFailureSaysWhy() {
    JsonNode old = json("{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}");
    ObjectNode s = status(old, "");
    assertThat(s.path("containerStatuses").get(0).path("resources").path("limits").path("memory").asText()).isEqualTo("64Mi");
    assertThat(condition(s, "PodResizeInProgress")).isEqualTo("True");

    ObjectNode failed = status(old, "runc update: no such container");
    JsonNode c = null;
    for (JsonNode x : failed.path("conditions")) {
      if (x.path("type").asText().equals("PodResizeInProgress")) {
        c = x;
      }
    }
    assertThat(c).isNotNull();
    assertThat(c.path("reason").asText()).isEqualTo("Error");
    assertThat(c.path("message").asText()).isEqualTo("runc update: no such container");
  }

  @Test
  void aRuntimeThatDoesNotSayReportsTheSpecs() {
    ObjectNode s = status(null, "");
    assertThat(s.path("containerStatuses").get(0).path("resources").path("limits").path("memory").asText()).isEqualTo("128Mi");
    assertThat(condition(s, "PodResizeInProgress")).isEmpty();
  }

  @Test
  void aResizeBeyondTheNodeIsInfeasibleAndTheContainersKeepWhatTheyHad() {
    ObjectNode pod = POD.deepCopy();
    // the node reported 64Mi of memory limit and 32Mi requested; the spec now asks 8 cpus
    pod.with("status").putArray("containerStatuses").add(json("{'name':'app','state':{'running':{}},'resources':"
        + "{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}}"));
    ((ObjectNode) pod.path("spec").path("containers").get(0).path("resources").path("requests")).put("cpu", "8");
    assertThat(PodResizeStatus.infeasible(pod, 2000, 8L << 30))
        .isEqualTo("Node didn't have enough capacity: cpu, requested: 8000, capacity: 2000");
    assertThat(PodResizeStatus.infeasible(pod, 16000, 8L << 30)).as("fits").isNull();
    assertThat(PodResizeStatus.infeasible(POD, 50, 1)).as("no resize asked: not this check's business").isNull();

    ObjectNode allocated = PodResizeStatus.asAllocated(pod);
    assertThat(allocated.path("spec").path("containers").get(0).path("resources").path("limits").path("memory").asText()).isEqualTo("64Mi");
    ObjectNode status = Json.object();
    PodResizeStatus.pending(status, pod.path("status"), "why", NOW);
    assertThat(condition(status, "PodResizePending")).isEqualTo("True");
    assertThat(status.path("conditions").get(0).path("reason").asText()).isEqualTo("Infeasible");
  }
}
