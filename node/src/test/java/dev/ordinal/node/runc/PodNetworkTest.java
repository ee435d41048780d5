package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodNetworkTest {
  static Stream<Arguments> routes() {
    return Stream.of(
        // one machine: the Service range only, nothing else leaves the bridge
        Arguments.of("10.88.0.0/16", List.of(), List.of("10.96.0.0/12")),
        // an agent: the cluster's ranges and the server node's, through its bridge
        Arguments.of("10.42.1.0/24", List.of("10.42.0.0/16", "10.88.0.0/16"), List.of("10.96.0.0/12", "10.42.0.0/16", "10.88.0.0/16")),
        // its own range is on the bridge's link already
        Arguments.of("10.42.1.0/24", List.of("10.42.0.0/16", "10.42.1.0/24"), List.of("10.96.0.0/12", "10.42.0.0/16")));
  }

  @ParameterizedTest
  @MethodSource
  void routes(String subnet, List<String> podRoutes, List<String> expected) {
    JsonNode config = new PodNetwork(Path.of("/usr/lib/cni"), Path.of("/tmp/ipam"), subnet, podRoutes).bridge();
    List<String> dsts = new ArrayList<>();
    config.path("ipam").path("routes").forEach(r -> dsts.add(r.path("dst").asText()));
    assertThat(dsts).containsExactlyElementsOf(expected);
    assertThat(config.path("ipMasq").asBoolean(true)).isFalse();
  }

  @Test
  void cgroupRootIsAnAbsolutePathOfPlainNames() {
    try {
      Cgroups.useParent("/ordinal-h1");
      assertThat(Cgroups.podPath("u1")).isEqualTo("/ordinal-h1/u1");
      for (String bad : List.of("ordinal", "/", "/a/../b", "/a b", "/a//b")) {
        assertThatThrownBy(() -> Cgroups.useParent(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
      }
    } finally {
      Cgroups.useParent("/ordinal");
    }
  }
}
