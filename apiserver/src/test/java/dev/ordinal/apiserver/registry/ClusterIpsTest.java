package dev.ordinal.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterIpsTest {
  @Test
  void theKubernetesServiceGetsTheFirstAddressAndOthersTheLowestFree() {
    assertThat(ClusterIps.allocate(Set.of(), true)).isEqualTo("10.96.0.1");
    assertThat(ClusterIps.allocate(Set.of(), false)).isEqualTo("10.96.0.2");
    assertThat(ClusterIps.allocate(Set.of("10.96.0.1", "10.96.0.2"), false)).isEqualTo("10.96.0.3");
  }

  @Test
  void theKubeDnsAddressIsNeverHandedOutButCanBeAskedFor() {
    Set<String> used = new HashSet<>();
    for (int i = 1; i <= 9; i++) {
      used.add("10.96.0." + i);
    }
    assertThat(ClusterIps.allocate(used, false)).isEqualTo("10.96.0.11");
    ClusterIps.check(null, "kube-dns", "10.96.0.10", used); // free: no exception
  }
}
