package dev.ordinal.controllers.apiserverlease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.controllers.apiserverlease.ApiServerEndpointsPlanner.Address;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiServerEndpointsPlannerTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:01:00Z");

  private static ObjectNode lease(String name, String address, String renewed, boolean labelled) {
    ObjectNode l = Json.object();
    ObjectNode meta = l.putObject("metadata").put("name", name);
    if (labelled) {
      meta.putObject("labels").put(ApiServerEndpointsPlanner.IDENTITY_LABEL, ApiServerEndpointsPlanner.IDENTITY);
    }
    meta.putObject("annotations").put(ApiServerEndpointsPlanner.ADDRESS_ANNOTATION, address);
    l.putObject("spec").put("holderIdentity", name + "_x").put("leaseDurationSeconds", 15).put("renewTime", renewed);
    return l;
  }

  @Test
  void liveServersAreListedAndExpiredLeasesGo() {
    var plan = ApiServerEndpointsPlanner.plan(List.of(
        lease("apiserver-b", "10.0.0.2:6443", "2026-01-01T00:00:50Z", true),
        lease("apiserver-a", "10.0.0.1:6443", "2026-01-01T00:00:59Z", true),
        lease("apiserver-dead", "10.0.0.3:6443", "2026-01-01T00:00:44Z", true),
        lease("kube-controller-manager", "", "2026-01-01T00:00:59Z", false)), NOW);
    assertEquals(List.of(new Address("10.0.0.1", 6443), new Address("10.0.0.2", 6443)), plan.live());
    assertEquals(List.of("apiserver-dead"), plan.expired());
  }

  @Test
  void leaseRenewedExactlyItsDurationAgoIsStillLive() {
    var plan = ApiServerEndpointsPlanner.plan(List.of(lease("apiserver-a", "10.0.0.1:6443", "2026-01-01T00:00:45Z", true)), NOW);
    assertEquals(1, plan.live().size());
  }

  @Test
  void oneSubsetPerPortAndTheSliceOnTheFirstPort() {
    List<Address> live = List.of(new Address("127.0.0.1", 6443), new Address("10.0.0.1", 6443), new Address("127.0.0.1", 7443));
    assertEquals("[{\"addresses\":[{\"ip\":\"10.0.0.1\"},{\"ip\":\"127.0.0.1\"}],\"ports\":[{\"name\":\"https\",\"port\":6443,"
        + "\"protocol\":\"TCP\"}]},{\"addresses\":[{\"ip\":\"127.0.0.1\"}],\"ports\":[{\"name\":\"https\",\"port\":7443,\"protocol\":\"TCP\"}]}]",
        ApiServerEndpointsPlanner.subsets(live).toString());
    ObjectNode slice = ApiServerEndpointsPlanner.slice(live);
    assertEquals(2, slice.path("endpoints").size());
    assertEquals(6443, slice.path("ports").path(0).path("port").asInt());
  }

  @Test
  void malformedAddressIsSkipped() {
    var plan = ApiServerEndpointsPlanner.plan(List.of(lease("apiserver-a", "nonsense", "2026-01-01T00:00:59Z", true)), NOW);
    assertEquals(List.of(), plan.live());
  }
}
