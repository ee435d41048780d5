package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostNamespacesTest {
  static ObjectNode oci() {
    return Json.parseObject(("{'hostname':'web-0','linux':{'namespaces':[{'type':'pid'},{'type':'ipc'},{'type':'uts'},{'type':'mount'},"
        + "{'type':'network','path':'/run/netns/ordinal-u'}]}}").replace('\'', '"').getBytes());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{}|pid ipc uts mount network|true",
      "{'hostNetwork':true}|pid ipc mount|false",
      "{'hostPID':true}|ipc uts mount network|true",
      "{'hostIPC':true,'hostPID':true,'hostNetwork':true}|mount|false"})
  void theHostsNamespacesAreSharedByLeavingThemOut(String spec, String kept, boolean hostname) {
    ObjectNode oci = oci();
    HostNamespaces.apply(oci, Json.parseObject(spec.replace('\'', '"').getBytes()));
    assertThat(oci.path("linux").path("namespaces").findValuesAsText("type")).containsExactlyElementsOf(List.of(kept.split(" ")));
    assertThat(oci.has("hostname")).isEqualTo(hostname);
  }

  @ParameterizedTest(name = "target {0}, pod {1}")
  @CsvSource(delimiter = '|', value = {
      "42|7|/proc/42/ns/pid|/proc/7/ns/ipc|/proc/7/ns/uts|false",
      "|7||/proc/7/ns/ipc|/proc/7/ns/uts|false",
      "|||||true"})
  void anEphemeralContainerJoinsThePodAndItsTarget(Long target, Long pod, String pid, String ipc, String uts, boolean hostname) {
    ObjectNode oci = oci();
    EphemeralNamespaces.join(oci, Json.object(), target == null ? OptionalLong.empty() : OptionalLong.of(target),
        pod == null ? OptionalLong.empty() : OptionalLong.of(pod));
    var ns = oci.path("linux").path("namespaces");
    assertThat(ns.get(0).path("path").asText()).isEqualTo(pid == null ? "" : pid);
    assertThat(ns.get(1).path("path").asText()).isEqualTo(ipc == null ? "" : ipc);
    assertThat(ns.get(2).path("path").asText()).isEqualTo(uts == null ? "" : uts);
    assertThat(ns.get(4).path("path").asText()).isEqualTo("/run/netns/ordinal-u"); // the pod's network, as every container
    assertThat(oci.has("hostname")).isEqualTo(hostname);
  }
}
