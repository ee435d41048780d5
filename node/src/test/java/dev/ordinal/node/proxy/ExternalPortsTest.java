package dev.ordinal.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.node.proxy.ExternalPorts.Listener;
import java.io.Closeable;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which listeners the Services ask for, which LoadBalancers are served, case by case; and keeping relays in step. */
class ExternalPortsTest {
  static final String ADDRESS = "127.0.0.1";

  static ObjectNode svc(String name, String created, String spec) {
    return Json.parseObject(("{'metadata':{'namespace':'default','name':'" + name + "','creationTimestamp':'" + created + "'},"
        + "'spec':" + spec + "}").replace('\'', '"').getBytes());
  }

  /** Services → listeners (rendered) and the LoadBalancers served when every planned listener is open. */
  record Case(String name, List<ObjectNode> services, List<String> listeners, Set<String> served) {}

  static final List<Case> CASES = List.of(
      new Case("a NodePort Service listens on each node port",
          List.of(svc("web", "t1", "{'type':'NodePort','clusterIP':'10.96.0.5','ports':[{'port':80,'protocol':'TCP','nodePort':30080},"
              + "{'port':53,'protocol':'UDP','nodePort':30053}]}")),
          List.of("127.0.0.1:30080/TCP -> 10.96.0.5:80 (default/web)", "127.0.0.1:30053/UDP -> 10.96.0.5:53 (default/web)"), Set.of()),
      new Case("ClusterIP, headless and ExternalName Services listen nowhere",
          List.of(svc("a", "t1", "{'type':'ClusterIP','clusterIP':'10.96.0.5','ports':[{'port':80}]}"),
              svc("b", "t1", "{'type':'NodePort','clusterIP':'None','ports':[{'port':80,'nodePort':30080}]}"),
              svc("c", "t1", "{'type':'ExternalName','externalName':'db.example.com'}")),
          List.of(), Set.of()),
      new Case("a LoadBalancer listens on its node ports and its own ports, and is served",
          List.of(svc("lb", "t1", "{'type':'LoadBalancer','clusterIP':'10.96.0.6','ports':[{'port':8080,'protocol':'TCP','nodePort':31000}]}")),
          List.of("127.0.0.1:31000/TCP -> 10.96.0.6:8080 (default/lb)", "127.0.0.1:8080/TCP -> 10.96.0.6:8080 (default/lb)"),
          Set.of("default/lb")),
      new Case("a LoadBalancer without node ports listens on its own ports only",
          List.of(svc("lb", "t1", "{'type':'LoadBalancer','clusterIP':'10.96.0.6','allocateLoadBalancerNodePorts':false,"
              + "'ports':[{'port':8080}]}")),
          List.of("127.0.0.1:8080/TCP -> 10.96.0.6:8080 (default/lb)"), Set.of("default/lb")),
      new Case("SCTP is not relayed, and its LoadBalancer not served",
          List.of(svc("s", "t1", "{'type':'LoadBalancer','clusterIP':'10.96.0.7','ports':[{'port':9000,'protocol':'SCTP','nodePort':31001}]}")),
          List.of(), Set.of()),
      new Case("the older of two LoadBalancers on one port keeps it; the other is not served",
          List.of(svc("young", "2026-01-02T00:00:00Z", "{'type':'LoadBalancer','clusterIP':'10.96.0.9','ports':[{'port':80,'nodePort':30002}]}"),
              svc("old", "2026-01-01T00:00:00Z", "{'type':'LoadBalancer','clusterIP':'10.96.0.8','ports':[{'port':80,'nodePort':30001}]}")),
          List.of("127.0.0.1:30001/TCP -> 10.96.0.8:80 (default/old)", "127.0.0.1:80/TCP -> 10.96.0.8:80 (default/old)",
              "127.0.0.1:30002/TCP -> 10.96.0.9:80 (default/young)"),
          Set.of("default/old")),
      new Case("TCP and UDP on one port are two listeners",
          List.of(svc("dns", "t1", "{'type':'LoadBalancer','clusterIP':'10.96.0.10','allocateLoadBalancerNodePorts':false,"
              + "'ports':[{'name':'t','port':53,'protocol':'TCP'},{'name':'u','port':53,'protocol':'UDP'}]}")),
          List.of("127.0.0.1:53/TCP -> 10.96.0.10:53 (default/dns)", "127.0.0.1:53/UDP -> 10.96.0.10:53 (default/dns)"),
          Set.of("default/dns")));

  @Test
  void plans() {
    for (Case c : CASES) {
      ExternalPorts.Plan plan = ExternalPorts.plan(c.services(), ADDRESS);
      assertThat(plan.listeners().stream().map(Listener::toString).toList()).as(c.name()).isEqualTo(c.listeners());
      assertThat(plan.served(new HashSet<>(plan.listeners()))).as(c.name()).isEqualTo(c.served());
    }
  }

  @Test
  void aLoadBalancerIsServedOnlyWhenAllItsListenersAreOpen() {
    ExternalPorts.Plan plan = ExternalPorts.plan(CASES.get(2).services(), ADDRESS);
    assertThat(plan.served(Set.of(plan.listeners().get(0)))).isEmpty();
    assertThat(plan.served(Set.of())).isEmpty();
  }

  @Test
  void relaysFollowThePlanAndReportPortsTaken() {
    List<String> events = new ArrayList<>();
    Set<Integer> taken = new HashSet<>(Set.of(30053));
    ExternalPortRelays relays = new ExternalPortRelays(l -> {
      if (taken.contains(l.port())) {
        throw new BindException("Address already in use");
      }
      events.add("open " + l.endpoint());
      return (Closeable) () -> events.add("close " + l.endpoint());
    });
    List<Listener> first = ExternalPorts.plan(CASES.get(0).services(), ADDRESS).listeners();
    ExternalPortRelays.Outcome o = relays.sync(first);
    assertThat(o.open()).containsExactly(first.get(0));
    assertThat(o.failed()).containsEntry(first.get(1), "Address already in use");
    assertThat(events).containsExactly("open 127.0.0.1:30080/TCP");
    // the port is freed: the retry opens it; nothing open is opened again
    taken.clear();
    o = relays.sync(first);
    assertThat(o.open()).containsExactlyInAnyOrderElementsOf(first);
    assertThat(o.failed()).isEmpty();
    assertThat(events).containsExactly("open 127.0.0.1:30080/TCP", "open 127.0.0.1:30053/UDP");
    // the Service goes: both close
    o = relays.sync(List.of());
    assertThat(o.open()).isEmpty();
    assertThat(events.subList(2, events.size())).containsExactlyInAnyOrder("close 127.0.0.1:30080/TCP", "close 127.0.0.1:30053/UDP");
    relays.close();
  }

  @Test
  void theIngressAddressIsTheListenAddressOrTheFirstHostAddress() throws IOException {
    assertThat(IngressAddress.of("127.0.0.1")).isEqualTo("127.0.0.1");
    assertThat(IngressAddress.of("localhost")).isIn("127.0.0.1", "0:0:0:0:0:0:0:1");
    java.net.InetAddress host = java.net.InetAddress.getByName("192.168.1.20");
    java.net.InetAddress bridge = java.net.InetAddress.getByName("10.88.0.1");
    java.net.InetAddress lo = java.net.InetAddress.getByName("127.0.0.1");
    java.net.InetAddress v6 = java.net.InetAddress.getByName("fe80::1");
    assertThat(IngressAddress.choose(List.of(new IngressAddress.Interface("lo", false, List.of(lo)),
        new IngressAddress.Interface("ord0", true, List.of(bridge)), new IngressAddress.Interface("veth12", true, List.of(bridge)),
        new IngressAddress.Interface("docker0", true, List.of(bridge)), new IngressAddress.Interface("br-1a2b", true, List.of(bridge)),
        new IngressAddress.Interface("cni0", true, List.of(bridge)), new IngressAddress.Interface("eth1", false, List.of(bridge)),
        new IngressAddress.Interface("eth0", true, List.of(v6, host))))).isEqualTo("192.168.1.20");
    assertThat(IngressAddress.choose(List.of(new IngressAddress.Interface("ord0", true, List.of(bridge))))).isEqualTo("127.0.0.1");
  }
}
