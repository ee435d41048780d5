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

class EphemeralContainerValidationTest {
  static final String APP = "'containers':[{'name':'app','image':'nginx'}],'initContainers':[{'name':'setup','image':'busybox'}]";
  static final String DEBUGGER = "{'name':'debugger','image':'busybox','stdin':true,'tty':true,'targetContainerName':'app'}";

  static ObjectNode spec(String ephemeral) {
    return obj("{" + APP + (ephemeral.isEmpty() ? "" : ",'ephemeralContainers':[" + ephemeral + "]") + "}");
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("adding kubectl debug's container", "", DEBUGGER, List.of()),
        Arguments.of("kubectl debug's empty resources and nulls count as unset", "",
            "{'name':'d','image':'busybox','resources':{},'ports':null}", List.of()),
        Arguments.of("a second one beside the first", DEBUGGER, DEBUGGER + ",{'name':'d2','image':'busybox'}", List.of()),
        Arguments.of("no name, no image", "", "{}", List.of("spec.ephemeralContainers[0].name: Required value",
            "spec.ephemeralContainers[0].image: Required value")),
        Arguments.of("a name that is no DNS label", "", "{'name':'Debug_1','image':'busybox'}",
            List.of("spec.ephemeralContainers[0].name: Invalid value: \"Debug_1\": a lowercase RFC 1123 label must consist of lower case "
                + "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                + "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")),
        Arguments.of("the name of an app container", "", "{'name':'app','image':'busybox'}",
            List.of("spec.ephemeralContainers[0].name: Duplicate value: \"app\"")),
        Arguments.of("the name of an init container", "", "{'name':'setup','image':'busybox'}",
            List.of("spec.ephemeralContainers[0].name: Duplicate value: \"setup\"")),
        Arguments.of("two of one name", "", "{'name':'d','image':'busybox'},{'name':'d','image':'busybox'}",
            List.of("spec.ephemeralContainers[1].name: Duplicate value: \"d\"")),
        Arguments.of("ports, probes and resources", "", "{'name':'d','image':'busybox','ports':[{'containerPort':80}],"
            + "'readinessProbe':{'tcpSocket':{'port':80}},'resources':{'limits':{'cpu':'1'}}}",
            List.of("spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container")),
        Arguments.of("lifecycle and restartPolicy", "", "{'name':'d','image':'busybox','lifecycle':{'preStop':{'exec':{'command':['x']}}},"
            + "'restartPolicy':'Always'}",
            List.of("spec.ephemeralContainers[0].lifecycle: Forbidden: cannot be set for an Ephemeral Container",
                "spec.ephemeralContainers[0].restartPolicy: Forbidden: cannot be set for an Ephemeral Container")),
        Arguments.of("a target that is not in the pod", "", "{'name':'d','image':'busybox','targetContainerName':'nope'}",
            List.of("spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"")),
        Arguments.of("removing one", DEBUGGER, "",
            List.of("spec.ephemeralContainers: Forbidden: existing ephemeral containers \"debugger\" may not be removed\n")),
        Arguments.of("changing one", DEBUGGER, "{'name':'debugger','image':'debian','stdin':true,'tty':true,'targetContainerName':'app'}",
            List.of("spec.ephemeralContainers[debugger]: Forbidden: existing ephemeral containers \"debugger\" may not be changed")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writesToTheSubresourceAreCheckedAsUpstream(String what, String before, String after, List<String> expected) {
    assertThat(messages(EphemeralContainerValidation.validateUpdate(spec(after), spec(before)))).containsExactlyElementsOf(expected);
  }
}
