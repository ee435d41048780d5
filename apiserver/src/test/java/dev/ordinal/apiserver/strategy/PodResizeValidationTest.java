package dev.ordinal.apiserver.strategy;

import static dev.ordinal.apiserver.strategy.StrategiesTest.messages;
import static dev.ordinal.apiserver.strategy.StrategiesTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** pods/resize as upstream 1.33's ValidatePodResize judges it, one change per row. */
class PodResizeValidationTest {
  static final String BURSTABLE = "'resources':{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}";
  static final String RUNNING = "'status':{'qosClass':'Burstable','containerStatuses':[{'name':'app','state':{'running':{}},"
      + "'resources':{}}]}";

  /** A Burstable pod whose container {@code app} has {@code app} (its fields after name and image) and status {@code status}. */
  static ObjectNode pod(String app, String extraSpec, String status) {
    return obj("{'metadata':{'name':'p'},'spec':{'containers':[{'name':'app','image':'busybox'" + (app.isEmpty() ? "" : "," + app)
        + "}]" + extraSpec + "}," + status + "}");
  }

  static Stream<Arguments> cases() {
    String restartMemory = ",'resizePolicy':[{'resourceName':'memory','restartPolicy':'RestartContainer'}]";
    return Stream.of(
        Arguments.of("cpu and memory limits raised", BURSTABLE, pod(
            "'resources':{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'1','memory':'128Mi'}}", "", RUNNING), List.of()),
        Arguments.of("requests changed within the class", BURSTABLE, pod(
            "'resources':{'requests':{'cpu':'150m','memory':'48Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}", "", RUNNING), List.of()),
        Arguments.of("the same amount written otherwise", BURSTABLE, pod(
            "'resources':{'requests':{'cpu':'0.1','memory':'32Mi'},'limits':{'cpu':'200m','memory':'67108864'}}", "", RUNNING), List.of()),
        Arguments.of("memory limit lowered, resizePolicy NotRequired", BURSTABLE, pod(
            "'resources':{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'48Mi'}}", "", RUNNING),
            List.of("spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be decreased unless resizePolicy is "
                + "RestartContainer")),
        Arguments.of("memory limit lowered, resizePolicy RestartContainer", BURSTABLE + restartMemory, pod(
            "'resources':{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m','memory':'48Mi'}}" + restartMemory, "", RUNNING),
            List.of()),
        Arguments.of("memory limit added", "'resources':{'requests':{'cpu':'100m'}}", pod(
            "'resources':{'requests':{'cpu':'100m'},'limits':{'memory':'64Mi'}}", "", RUNNING),
            List.of("spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be added unless resizePolicy is "
                + "RestartContainer")),
        Arguments.of("a limit removed", BURSTABLE, pod("'resources':{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'200m'}}",
            "", RUNNING), List.of("spec.containers[0].resources.limits: Forbidden: resource limits cannot be removed")),
        Arguments.of("a request removed", BURSTABLE, pod("'resources':{'requests':{'cpu':'100m'},'limits':{'cpu':'200m','memory':'64Mi'}}",
            "", RUNNING), List.of("spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed")),
        Arguments.of("Burstable to Guaranteed", BURSTABLE, pod(
            "'resources':{'requests':{'cpu':'200m','memory':'64Mi'},'limits':{'cpu':'200m','memory':'64Mi'}}", "", RUNNING),
            List.of("spec: Invalid value: \"Burstable\": Pod QOS Class may not change as a result of resizing")),
        Arguments.of("ephemeral storage", BURSTABLE, pod("'resources':{'requests':{'cpu':'100m','memory':'32Mi','ephemeral-storage':'1Gi'},"
            + "'limits':{'cpu':'200m','memory':'64Mi'}}", "", RUNNING),
            List.of("spec: Forbidden: only cpu and memory resources are mutable")),
        Arguments.of("resizePolicy changed", BURSTABLE, pod(BURSTABLE + restartMemory, "", RUNNING),
            List.of("spec: Forbidden: only cpu and memory resources are mutable")),
        Arguments.of("a container added", BURSTABLE, obj("{'spec':{'containers':[{'name':'app','image':'busybox'," + BURSTABLE
            + "},{'name':'two','image':'busybox'}]}," + RUNNING + "}"), List.of("spec: Forbidden: only cpu and memory resources are mutable")),
        Arguments.of("a node that reports no resources", BURSTABLE, pod(BURSTABLE, "",
            "'status':{'qosClass':'Burstable','containerStatuses':[{'name':'app','state':{'running':{}}}]}"),
            List.of("spec: Forbidden: Pod running on node without support for resize")),
        Arguments.of("pod-level resources", BURSTABLE, pod(BURSTABLE, ",'resources':{'limits':{'cpu':'1'}}", RUNNING),
            List.of(": Forbidden: pods with pod-level resources cannot be resized")),
        Arguments.of("windows", BURSTABLE, pod(BURSTABLE, ",'os':{'name':'windows'}", RUNNING),
            List.of(": Forbidden: windows pods cannot be resized")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judgesAResize(String name, String oldApp, ObjectNode pod, List<String> expected) {
    String extra = pod.path("spec").has("os") ? ",'os':{'name':'windows'}" : pod.path("spec").has("resources")
        ? ",'resources':{'limits':{'cpu':'1'}}" : "";
    ObjectNode old = pod(oldApp, extra, RUNNING);
    old.set("status", pod.path("status").deepCopy()); // a resize keeps the stored status
    assertThat(messages(PodResizeValidation.validate(pod, old))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "sidecar: {0}")
  @MethodSource("sidecars")
  void sidecarsResizeButOtherInitContainersDoNot(String name, String restartPolicy, List<String> expected) {
    String init = ",'initContainers':[{'name':'side','image':'busybox'" + restartPolicy + ",%s}]";
    ObjectNode old = pod(BURSTABLE, init.formatted(BURSTABLE), RUNNING);
    ObjectNode pod = pod(BURSTABLE, init.formatted(
        "'resources':{'requests':{'cpu':'100m','memory':'32Mi'},'limits':{'cpu':'400m','memory':'64Mi'}}"), RUNNING);
    assertThat(messages(PodResizeValidation.validate(pod, old))).isEqualTo(expected);
  }

  static Stream<Arguments> sidecars() {
    return Stream.of(
        Arguments.of("restartable", ",'restartPolicy':'Always'", List.of()),
        Arguments.of("plain init container", "",
            List.of("spec: Forbidden: resources for non-sidecar init containers are immutable")));
  }
}
