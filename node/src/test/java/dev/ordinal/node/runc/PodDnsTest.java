package dev.ordinal.node.runc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodDnsTest {
  private static final String HOST = """
      # written by the host
      domain corp.example
      search corp.example lab.example
      nameserver 192.168.1.1
      nameserver 192.168.1.2
      options edns0 timeout:2
      """;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("ClusterFirst by default: the Service, the search list, the host's searches, ndots:5", "{}", """
            search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example
            nameserver 10.96.0.10
            options ndots:5
            """),
        Arguments.of("ClusterFirst with dnsConfig appended, duplicates dropped, options merged by name",
            "{'dnsPolicy':'ClusterFirst','dnsConfig':{'nameservers':['1.1.1.1','10.96.0.10'],'searches':['my.dns.search.suffix','cluster.local'],"
                + "'options':[{'name':'ndots','value':'2'},{'name':'edns0'}]}}", """
            search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example my.dns.search.suffix
            nameserver 10.96.0.10
            nameserver 1.1.1.1
            options ndots:2 edns0
            """),
        Arguments.of("Default: the host's resolv.conf", "{'dnsPolicy':'Default'}", """
            search corp.example lab.example
            nameserver 192.168.1.1
            nameserver 192.168.1.2
            options edns0 timeout:2
            """),
        Arguments.of("ClusterFirst on the host network is Default", "{'hostNetwork':true}", """
            search corp.example lab.example
            nameserver 192.168.1.1
            nameserver 192.168.1.2
            options edns0 timeout:2
            """),
        Arguments.of("ClusterFirstWithHostNet keeps the cluster DNS", "{'hostNetwork':true,'dnsPolicy':'ClusterFirstWithHostNet'}", """
            search shop.svc.cluster.local svc.cluster.local cluster.local corp.example lab.example
            nameserver 10.96.0.10
            options ndots:5
            """),
        Arguments.of("None: only dnsConfig", "{'dnsPolicy':'None','dnsConfig':{'nameservers':['1.2.3.4'],'searches':['ns1.svc.cluster-domain.example'],"
            + "'options':[{'name':'ndots','value':'2'}]}}", """
            search ns1.svc.cluster-domain.example
            nameserver 1.2.3.4
            options ndots:2
            """),
        Arguments.of("at most three nameservers", "{'dnsPolicy':'None','dnsConfig':{'nameservers':['1.1.1.1','2.2.2.2','3.3.3.3','4.4.4.4']}}", """
            nameserver 1.1.1.1
            nameserver 2.2.2.2
            nameserver 3.3.3.3
            """));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolvConfFollowsThePolicy(String what, String spec, String expected) {
    ObjectNode pod = ContainerConfigTest.obj("{'metadata':{'name':'p','namespace':'shop'},'spec':" + spec + "}");
    assertThat(PodDns.resolvConf(pod, "10.96.0.10", HOST)).isEqualTo(expected);
  }

  @org.junit.jupiter.api.Test
  void withoutAClusterDnsClusterFirstFallsBackToTheHost() {
    ObjectNode pod = ContainerConfigTest.obj("{'metadata':{'name':'p','namespace':'shop'},'spec':{}}");
    assertThat(PodDns.resolvConf(pod, "", HOST)).startsWith("search corp.example lab.example\nnameserver 192.168.1.1\n");
  }
}
