package dev.ordinal.controllers.serviceaccount;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.controllers.serviceaccount.ServiceAccountsPlanner.Action;
import dev.ordinal.controllers.serviceaccount.ServiceAccountsPlanner.CreateRootCa;
import dev.ordinal.controllers.serviceaccount.ServiceAccountsPlanner.CreateServiceAccount;
import dev.ordinal.controllers.serviceaccount.ServiceAccountsPlanner.UpdateRootCa;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceAccountsPlannerTest {
  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

  static ObjectNode ns(UnaryOperator<ObjectNode> change) {
    ObjectNode n = Json.object();
    n.put("kind", "Namespace").putObject("metadata").put("name", "team");
    return change.apply(n);
  }

  static ObjectNode sa() {
    ObjectNode s = Json.object();
    s.putObject("metadata").put("name", "default").put("namespace", "team");
    return s;
  }

  static ObjectNode rootCa(UnaryOperator<ObjectNode> change) {
    ObjectNode c = Json.object();
    c.putObject("metadata").put("name", "kube-root-ca.crt").put("namespace", "team").putObject("annotations")
        .put(ServiceAccountsPlanner.DESCRIPTION, ServiceAccountsPlanner.DESCRIPTION_TEXT);
    c.putObject("data").put("ca.crt", CA);
    return change.apply(c);
  }

  static Stream<Arguments> cases() {
    UnaryOperator<ObjectNode> same = o -> o;
    return Stream.of(
        Arguments.of("a new namespace gets both", ns(same), null, null, List.of(CreateServiceAccount.class, CreateRootCa.class)),
        Arguments.of("a complete namespace gets nothing", ns(same), sa(), rootCa(same), List.of()),
        Arguments.of("a deleted ServiceAccount is made again", ns(same), null, rootCa(same), List.of(CreateServiceAccount.class)),
        Arguments.of("a deleted ConfigMap is made again", ns(same), sa(), null, List.of(CreateRootCa.class)),
        Arguments.of("a changed certificate is put back", ns(same), sa(),
            rootCa(c -> { c.with("data").put("ca.crt", "tampered"); return c; }), List.of(UpdateRootCa.class)),
        Arguments.of("an added key is taken out", ns(same), sa(),
            rootCa(c -> { c.with("data").put("extra", "x"); return c; }), List.of(UpdateRootCa.class)),
        Arguments.of("a removed annotation is put back", ns(same), sa(),
            rootCa(c -> { c.with("metadata").remove("annotations"); return c; }), List.of(UpdateRootCa.class)),
        Arguments.of("a terminating namespace gets nothing", ns(n -> { n.with("metadata").put("deletionTimestamp", "2026-01-01T00:00:00Z"); return n; }),
            null, null, List.of()),
        Arguments.of("a namespace in phase Terminating gets nothing", ns(n -> { n.putObject("status").put("phase", "Terminating"); return n; }),
            null, null, List.of()),
        Arguments.of("a gone namespace gets nothing", null, null, null, List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plans(String name, ObjectNode namespace, ObjectNode sa, ObjectNode cm, List<Class<?>> expected) {
    List<Action> actions = ServiceAccountsPlanner.plan(namespace, sa, cm, CA);
    assertThat(actions.stream().map(a -> a.getClass().getSimpleName()).toList())
        .isEqualTo(expected.stream().map(Class::getSimpleName).toList());
    for (Action a : actions) {
      ObjectNode written = switch (a) {
        case CreateServiceAccount c -> c.serviceAccount();
        case CreateRootCa c -> c.configMap();
        case UpdateRootCa u -> u.configMap();
      };
      assertThat(written.at("/metadata/namespace").asText()).isEqualTo("team");
      if (!(a instanceof CreateServiceAccount)) {
        assertThat(written.path("data").size()).isEqualTo(1);
        assertThat(written.at("/data/ca.crt").asText()).isEqualTo(CA);
        assertThat(written.at("/metadata/annotations/kubernetes.io~1description").asText()).startsWith("Contains a CA bundle");
      } else {
        assertThat(written.at("/metadata/name").asText()).isEqualTo("default");
      }
    }
  }
}
