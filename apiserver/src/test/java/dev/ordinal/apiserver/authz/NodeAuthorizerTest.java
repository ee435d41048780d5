package dev.ordinal.apiserver.authz;

import static dev.ordinal.apiserver.authz.RbacSnapshotTest.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.auth.UserInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeAuthorizerTest {
  static final UserInfo VM = NodeAuthorizer.userFor("vm");
  static final ObjectNode OURS = obj("{'metadata':{'name':'db-0','namespace':'db'},'spec':{'nodeName':'vm','serviceAccountName':'patroni',"
      + "'imagePullSecrets':[{'name':'pull'}],'volumes':[{'name':'c','configMap':{'name':'conf'}},{'name':'d','persistentVolumeClaim':"
      + "{'claimName':'data-db-0'}},{'name':'t','projected':{'sources':[{'secret':{'name':'tls'}}]}}],"
      + "'containers':[{'name':'db','env':[{'name':'P','valueFrom':{'secretKeyRef':{'name':'pw','key':'p'}}}],"
      + "'envFrom':[{'configMapRef':{'name':'env'}}]}]}}");
  static final ObjectNode THEIRS = obj("{'metadata':{'name':'web-0','namespace':'db'},'spec':{'nodeName':'other',"
      + "'volumes':[{'name':'s','secret':{'secretName':'theirs'}}],'containers':[{'name':'web'}]}}");
  static final ObjectNode CLAIM = obj("{'metadata':{'name':'data-db-0','namespace':'db'},'spec':{'volumeName':'pv-1'}}");

  static final NodeAuthorizer NODES = new NodeAuthorizer(node -> Stream.of(OURS, THEIRS)
      .filter(p -> node.equals(p.path("spec").path("nodeName").asText())).toList(),
      (ns, name) -> Stream.of(OURS, THEIRS).filter(p -> p.path("metadata").path("name").asText().equals(name)).findFirst(),
      (ns, name) -> name.equals("data-db-0") ? Optional.of(CLAIM) : Optional.empty());

  static Attributes r(UserInfo u, String verb, String group, String resource, String sub, String ns, String name) {
    return Attributes.resource(u, verb, group, resource, sub, ns, name);
  }

  static Stream<Arguments> cases() {
    UserInfo notANode = new UserInfo("system:node:vm", "", List.of(UserInfo.AUTHENTICATED), Map.of());
    return Stream.of(
        Arguments.of("a secret its pod mounts", r(VM, "get", "", "secrets", "", "db", "tls"), true),
        Arguments.of("a secret in its pod's env", r(VM, "get", "", "secrets", "", "db", "pw"), true),
        Arguments.of("its pod's pull secret", r(VM, "get", "", "secrets", "", "db", "pull"), true),
        Arguments.of("another node's pod's secret", r(VM, "get", "", "secrets", "", "db", "theirs"), false),
        Arguments.of("the same name in another namespace", r(VM, "get", "", "secrets", "", "web", "tls"), false),
        Arguments.of("listing secrets", r(VM, "list", "", "secrets", "", "db", ""), false),
        Arguments.of("a config map of its pod", r(VM, "get", "", "configmaps", "", "db", "conf"), true),
        Arguments.of("a config map in envFrom", r(VM, "get", "", "configmaps", "", "db", "env"), true),
        Arguments.of("its pod's claim", r(VM, "get", "", "persistentvolumeclaims", "", "db", "data-db-0"), true),
        Arguments.of("its claim's volume", r(VM, "get", "", "persistentvolumes", "", "", "pv-1"), true),
        Arguments.of("another volume", r(VM, "get", "", "persistentvolumes", "", "", "pv-2"), false),
        Arguments.of("a token for its pod's ServiceAccount", r(VM, "create", "", "serviceaccounts", "token", "db", "patroni"), true),
        Arguments.of("a token for another ServiceAccount", r(VM, "create", "", "serviceaccounts", "token", "db", "default"), false),
        Arguments.of("its own pod's status", r(VM, "update", "", "pods", "status", "db", "db-0"), true),
        Arguments.of("another node's pod's status", r(VM, "update", "", "pods", "status", "db", "web-0"), false),
        Arguments.of("deleting its own pod", r(VM, "delete", "", "pods", "", "db", "db-0"), true),
        Arguments.of("deleting another node's pod", r(VM, "delete", "", "pods", "", "db", "web-0"), false),
        Arguments.of("creating a pod", r(VM, "create", "", "pods", "", "db", ""), false),
        Arguments.of("watching pods", r(VM, "watch", "", "pods", "", "", ""), true),
        Arguments.of("its own Node's status", r(VM, "patch", "", "nodes", "status", "", "vm"), true),
        Arguments.of("another Node", r(VM, "update", "", "nodes", "", "", "other"), false),
        Arguments.of("reading other Nodes", r(VM, "get", "", "nodes", "", "", "other"), true),
        Arguments.of("its Lease", r(VM, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "vm"), true),
        Arguments.of("another node's Lease", r(VM, "update", "coordination.k8s.io", "leases", "", "kube-node-lease", "other"), false),
        Arguments.of("services for the environment", r(VM, "list", "", "services", "", "", ""), true),
        Arguments.of("deployments are not a node's", r(VM, "list", "apps", "deployments", "", "", ""), false),
        Arguments.of("a user named like a node but not in system:nodes", r(notANode, "get", "", "secrets", "", "db", "tls"), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decides(String name, Attributes a, boolean allowed) {
    Decision d = NODES.authorize(a);
    assertThat(d != null && d.allowed()).isEqualTo(allowed);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("creates")
  void nodesRegisterOnlyThemselves(String name, String kind, String objectName, boolean allowed) {
    ObjectNode o = obj("{'metadata':{'name':'" + objectName + "'}}");
    if (allowed) {
      NodeAuthorizer.admitCreate(VM, kind, o);
    } else {
      assertThatThrownBy(() -> NodeAuthorizer.admitCreate(VM, kind, o)).hasMessageContaining("forbidden");
    }
  }

  static Stream<Arguments> creates() {
    return Stream.of(Arguments.of("its Node", "Node", "vm", true), Arguments.of("another Node", "Node", "other", false),
        Arguments.of("its Lease", "Lease", "vm", true), Arguments.of("another Lease", "Lease", "other", false),
        Arguments.of("an event", "Event", "anything", true));
  }
}
