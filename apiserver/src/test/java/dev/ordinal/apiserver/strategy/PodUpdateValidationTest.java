package dev.ordinal.apiserver.strategy;

import static dev.ordinal.apiserver.strategy.StrategiesTest.messages;
import static dev.ordinal.apiserver.strategy.StrategiesTest.obj;
import static dev.ordinal.apiserver.strategy.StrategiesTest.sts;
import static dev.ordinal.apiserver.strategy.StrategiesTest.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which pod fields an update may change (upstream's ValidatePodUpdate), and the StatefulSet pod update policy. */
class PodUpdateValidationTest {
  static final String SPEC_FORBIDDEN = "spec: Forbidden: pod updates may not change fields other than";

  static ObjectNode pod() {
    return obj("{'metadata':{'name':'p','namespace':'default'},'spec':{'nodeName':'n1','terminationGracePeriodSeconds':-1,"
        + "'activeDeadlineSeconds':100,'tolerations':[{'key':'k','operator':'Exists','effect':'NoExecute','tolerationSeconds':30}],"
        + "'schedulingGates':[{'name':'a'},{'name':'b'}],"
        + "'initContainers':[{'name':'i','image':'busybox:1','imagePullPolicy':'IfNotPresent'}],"
        + "'containers':[{'name':'c','image':'nginx:1','imagePullPolicy':'IfNotPresent','resources':{'limits':{'cpu':'1'}}}]}}");
  }

  static Consumer<ObjectNode> spec(Consumer<ObjectNode> c) {
    return p -> c.accept(p.with("spec"));
  }

  static Consumer<ObjectNode> container(Consumer<ObjectNode> c) {
    return p -> c.accept((ObjectNode) p.path("spec").path("containers").get(0));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("container image", container(c -> c.put("image", "nginx:2")), ""),
        Arguments.of("init container image", spec(s -> ((ObjectNode) s.path("initContainers").get(0)).put("image", "busybox:2")), ""),
        Arguments.of("image pull policy", container(c -> c.put("imagePullPolicy", "Always")), SPEC_FORBIDDEN),
        Arguments.of("resources", container(c -> c.with("resources").with("limits").put("cpu", "2")), SPEC_FORBIDDEN),
        Arguments.of("command", container(c -> c.putArray("command").add("sh")), SPEC_FORBIDDEN),
        Arguments.of("deadline lowered", spec(s -> s.put("activeDeadlineSeconds", 50)), ""),
        Arguments.of("deadline raised", spec(s -> s.put("activeDeadlineSeconds", 200)),
            "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value"),
        Arguments.of("deadline unset", spec(s -> s.remove("activeDeadlineSeconds")),
            "spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value"),
        Arguments.of("toleration added", spec(s -> s.withArray("tolerations").addObject().put("key", "x").put("operator", "Exists")), ""),
        Arguments.of("tolerationSeconds changed", spec(s -> ((ObjectNode) s.path("tolerations").get(0)).put("tolerationSeconds", 10)), ""),
        Arguments.of("toleration removed", spec(s -> s.putArray("tolerations")),
            "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"),
        Arguments.of("grace period -1 to 1", spec(s -> s.put("terminationGracePeriodSeconds", 1)), ""),
        Arguments.of("grace period -1 to 5", spec(s -> s.put("terminationGracePeriodSeconds", 5)), SPEC_FORBIDDEN),
        Arguments.of("gate removed", spec(s -> s.withArray("schedulingGates").remove(0)), ""),
        Arguments.of("gate added", spec(s -> s.withArray("schedulingGates").addObject().put("name", "c")),
            "spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'c'"),
        Arguments.of("node name changed once bound", spec(s -> s.put("nodeName", "n2")), SPEC_FORBIDDEN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void onlyUpstreamsMutableFieldsChange(String name, Consumer<ObjectNode> change, String error) {
    ResourceStrategy s = Strategies.forType(type("", "pods"));
    ObjectNode old = pod();
    s.applyDefaults(old);
    ObjectNode updated = old.deepCopy();
    change.accept(updated);
    List<String> errs = messages(s.validateUpdate(updated, old)).stream()
        .filter(m -> !m.startsWith("spec.terminationGracePeriodSeconds") && !m.startsWith("spec.schedulingGates: Forbidden: pod"))
        .toList();
    if (error.isEmpty()) {
      assertThat(errs).isEmpty();
    } else {
      assertThat(errs).anySatisfy(m -> assertThat(m).startsWith(error));
    }
  }

  @Test
  void theStatefulSetPodUpdatePolicyIsOneOfThree() {
    ResourceStrategy s = Strategies.forType(type("apps", "statefulsets"));
    for (String ok : List.of("ReCreate", "InPlaceIfPossible", "InPlaceOnly")) {
      ObjectNode set = sts();
      s.applyDefaults(set);
      set.with("metadata").with("annotations").put("apps.ordinal.dev/pod-update-policy", ok);
      assertThat(s.validateCreate(set)).isEmpty();
    }
    ObjectNode set = sts();
    s.applyDefaults(set);
    set.with("metadata").with("annotations").put("apps.ordinal.dev/pod-update-policy", "Sometimes");
    assertThat(messages(s.validateCreate(set))).containsExactly("metadata.annotations[apps.ordinal.dev/pod-update-policy]: "
        + "Unsupported value: \"Sometimes\": supported values: \"ReCreate\", \"InPlaceIfPossible\", \"InPlaceOnly\"");
  }
}
