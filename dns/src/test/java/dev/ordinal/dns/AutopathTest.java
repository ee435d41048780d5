package dev.ordinal.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

class AutopathTest {
  static final Name ZONE = Name.fromConstantString("cluster.local.");

  static Stream<Arguments> plans() {
    return Stream.of(
        // name asked, pod namespace, ndots, host searches → local names tried, name forwarded last
        Arguments.of("web-0.nginx.", "shop", 5, false,
            List.of("web-0.nginx.shop.svc.cluster.local.", "web-0.nginx.svc.cluster.local.", "web-0.nginx.cluster.local."), null),
        Arguments.of("kubernetes.default.", "shop", 5, false,
            List.of("kubernetes.default.shop.svc.cluster.local.", "kubernetes.default.svc.cluster.local.", "kubernetes.default.cluster.local."), null),
        Arguments.of("kubernetes.default.shop.svc.cluster.local.", "shop", 5, false,
            List.of("kubernetes.default.shop.svc.cluster.local.", "kubernetes.default.svc.cluster.local.", "kubernetes.default.cluster.local."),
            "kubernetes.default."),
        Arguments.of("example.com.shop.svc.cluster.local.", "shop", 5, true,
            List.of("example.com.shop.svc.cluster.local.", "example.com.svc.cluster.local.", "example.com.cluster.local."), null),
        Arguments.of("zk-1.zk-hs.shop.svc.cluster.local.shop.svc.cluster.local.", "shop", 5, false,
            List.of("zk-1.zk-hs.shop.svc.cluster.local.shop.svc.cluster.local.", "zk-1.zk-hs.shop.svc.cluster.local.svc.cluster.local.",
                "zk-1.zk-hs.shop.svc.cluster.local.cluster.local.", "zk-1.zk-hs.shop.svc.cluster.local."), null),
        Arguments.of("a.b.c.d.e.f.", "shop", 5, false, List.of(), null),
        Arguments.of("a.b.c.", "shop", 2, false, List.of(), null),
        Arguments.of("web-0.nginx.other.svc.cluster.local.", "shop", 5, false, List.of(), null),
        Arguments.of("shop.svc.cluster.local.", "shop", 5, false, List.of(), null),
        Arguments.of("web-0.nginx.", null, 5, false, List.of(), null),
        Arguments.of(".", "shop", 5, false, List.of(), null));
  }

  @ParameterizedTest(name = "{0} from {1}")
  @MethodSource("plans")
  void theSearchListIsWalkedOnlyWhereTheResolverWouldHave(String asked, String ns, int ndots, boolean hostSearches, List<String> local,
      String forward) {
    Autopath.Plan plan = Autopath.plan(Name.fromConstantString(asked), ns, ndots, ZONE, hostSearches);
    assertThat(plan.local().stream().map(Name::toString)).containsExactlyElementsOf(local);
    assertThat(plan.forward() == null ? null : plan.forward().toString()).isEqualTo(forward);
  }

  final ClusterAnswers answers = new ClusterAnswersTest().answers;

  List<String> found(String asked, String ns) {
    Name name = Name.fromConstantString(asked);
    return Autopath.firstFound(name, Autopath.plan(name, ns, 5, ZONE, false), n -> answers.answer(n, Type.A))
        .map(a -> a.records().stream().map(r -> r.getName() + " " + Type.string(r.getType()) + " " + r.rdataToString()).toList())
        .orElse(List.of());
  }

  @Test
  void theAskedNameIsAnsweredWithACnameToTheFirstThatExists() {
    assertThat(found("web-0.nginx.", "default")).containsExactly("web-0.nginx. CNAME web-0.nginx.default.svc.cluster.local.",
        "web-0.nginx.default.svc.cluster.local. A 10.88.0.2");
    assertThat(found("db.default.", "shop")).containsExactly("db.default. CNAME db.default.svc.cluster.local.",
        "db.default.svc.cluster.local. A 10.96.0.10");
    assertThat(found("db.default.shop.svc.cluster.local.", "shop")).containsExactly(
        "db.default.shop.svc.cluster.local. CNAME db.default.svc.cluster.local.", "db.default.svc.cluster.local. A 10.96.0.10");
  }

  @Test
  void aNameThatExistsAsAskedNeedsNoCnameAndNothingFoundLeavesTheOriginalAnswer() {
    // carries the pod's first search element and exists as asked: no CNAME
    assertThat(found("db.default.svc.cluster.local.", "default")).containsExactly("db.default.svc.cluster.local. A 10.96.0.10");
    assertThat(found("db.default.svc.cluster.local.", "shop")).isEmpty(); // in the domain, not via the first element: as asked
    assertThat(found("nginx.default.default.svc.cluster.local.", "default")).containsExactly(
        "nginx.default.default.svc.cluster.local. CNAME nginx.default.svc.cluster.local.",
        "nginx.default.svc.cluster.local. A 10.88.0.2", "nginx.default.svc.cluster.local. A 10.88.0.3");
    assertThat(found("example.com.", "default")).isEmpty();
    Name asked = Name.fromConstantString("db.default.svc.cluster.local.");
    var a = Autopath.firstFound(asked, new Autopath.Plan(List.of(asked), null), n -> answers.answer(n, Type.A)).orElseThrow();
    assertThat(a.rcode()).isEqualTo(Rcode.NOERROR);
    assertThat(a.records()).extracting(Record::getType).containsExactly(Type.A);
  }
}
