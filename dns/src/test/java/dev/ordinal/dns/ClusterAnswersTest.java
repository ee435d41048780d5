package dev.ordinal.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class ClusterAnswersTest {
  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode pod(String name, String ip) {
    return obj("{'metadata':{'name':'" + name + "','namespace':'default'},'spec':{'hostname':'" + name + "','subdomain':'nginx'},"
        + "'status':{'podIP':'" + ip + "'}}");
  }

  static final ObjectNode HEADLESS = obj("{'metadata':{'name':'nginx','namespace':'default'},"
      + "'spec':{'clusterIP':'None','ports':[{'name':'web','port':80,'protocol':'TCP'}]}}");
  static final ObjectNode CLUSTER_IP = obj("{'metadata':{'name':'db','namespace':'default'},"
      + "'spec':{'clusterIP':'10.96.0.10','ports':[{'name':'sql','port':3306}]}}");
  static final ObjectNode ENDPOINTS = obj("{'metadata':{'name':'nginx','namespace':'default'},'subsets':[{"
      + "'addresses':[{'ip':'10.88.0.2','hostname':'web-0'},{'ip':'10.88.0.3','hostname':'web-1'}],"
      + "'notReadyAddresses':[{'ip':'10.88.0.4','hostname':'web-2'}],'ports':[{'name':'web','port':8080}]}]}");
  static final List<ObjectNode> PODS = List.of(pod("web-0", "10.88.0.2"), pod("web-1", "10.88.0.3"), pod("web-2", "10.88.0.4"));

  final ClusterAnswers answers = new ClusterAnswers(new ClusterView() {
    @Override
    public Optional<ObjectNode> service(String namespace, String name) {
      return Optional.ofNullable(name.equals("nginx") ? HEADLESS : name.equals("db") ? CLUSTER_IP : null);
    }

    @Override
    public Optional<ObjectNode> endpoints(String namespace, String name) {
      return Optional.ofNullable(name.equals("nginx") ? ENDPOINTS : null);
    }

    @Override
    public Collection<ObjectNode> pods(String namespace) {
      return PODS;
    }

    @Override
    public Collection<ObjectNode> allPods() {
      return PODS;
    }

    @Override
    public Collection<ObjectNode> allServices() {
      return List.of(HEADLESS, CLUSTER_IP);
    }
  }, "cluster.local");

  List<String> data(String name, int type) {
    return answers.answer(Name.fromConstantString(name), type).records().stream().map(Record::rdataToString).toList();
  }

  @Test
  void aHeadlessServiceAnswersItsReadyEndpoints() {
    assertThat(data("nginx.default.svc.cluster.local.", Type.A)).containsExactly("10.88.0.2", "10.88.0.3");
    assertThat(data("db.default.svc.cluster.local.", Type.A)).containsExactly("10.96.0.10");
  }

  @Test
  void aStatefulSetPodIsFoundByItsStableNameAsSoonAsItHasAnIp() {
    assertThat(data("web-0.nginx.default.svc.cluster.local.", Type.A)).containsExactly("10.88.0.2");
    assertThat(data("web-2.nginx.default.svc.cluster.local.", Type.A)).as("not ready yet, but named").containsExactly("10.88.0.4");
  }

  @Test
  void srvRecordsListTheReplicasAndPtrNamesThem() {
    assertThat(data("_web._tcp.nginx.default.svc.cluster.local.", Type.SRV))
        .containsExactly("0 100 8080 web-0.nginx.default.svc.cluster.local.", "0 100 8080 web-1.nginx.default.svc.cluster.local.");
    assertThat(data("_sql._tcp.db.default.svc.cluster.local.", Type.SRV)).containsExactly("0 100 3306 db.default.svc.cluster.local.");
    assertThat(data("3.0.88.10.in-addr.arpa.", Type.PTR)).containsExactly("web-1.nginx.default.svc.cluster.local.");
    assertThat(data("10.0.96.10.in-addr.arpa.", Type.PTR)).containsExactly("db.default.svc.cluster.local.");
  }

  @Test
  void unknownNamesAreNxdomainWithTheZonesSoa() {
    var a = answers.answer(Name.fromConstantString("web-9.nginx.default.svc.cluster.local."), Type.A);
    assertThat(a.rcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(a.soa().getName().toString()).isEqualTo("cluster.local.");
    assertThat(answers.answer(Name.fromConstantString("nope.default.svc.cluster.local."), Type.A).rcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answers.answer(Name.fromConstantString("nginx.default.svc.cluster.local."), Type.AAAA).rcode())
        .as("the name exists, with no IPv6 address").isEqualTo(Rcode.NOERROR);
    assertThat(data("10-88-0-7.default.pod.cluster.local.", Type.A)).containsExactly("10.88.0.7");
  }
}
