package dev.ordinal.apiserver.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.errors.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RbacSnapshotTest {
  static final UserInfo ALICE = new UserInfo("alice", "", List.of("readers", UserInfo.AUTHENTICATED), Map.of());
  static final UserInfo BOB = new UserInfo("bob", "", List.of(UserInfo.AUTHENTICATED), Map.of());
  static final UserInfo PATRONI = new UserInfo(UserInfo.serviceAccountUser("db", "patroni"), "",
      List.of("system:serviceaccounts", "system:serviceaccounts:db", UserInfo.AUTHENTICATED), Map.of());
  static final UserInfo ADMIN = UserInfo.ADMIN;

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  static final ObjectNode VIEW = obj("{'metadata':{'name':'view'},'rules':[{'verbs':['get','list'],'apiGroups':[''],'resources':['pods']}]}");
  static final ObjectNode POD_READER = obj("{'metadata':{'name':'pod-reader','namespace':'db'},"
      + "'rules':[{'verbs':['get','list','watch','patch'],'apiGroups':[''],'resources':['pods','endpoints']}]}");
  static final ObjectNode READERS_VIEW = obj("{'metadata':{'name':'readers'},'roleRef':{'kind':'ClusterRole','name':'view'},"
      + "'subjects':[{'kind':'Group','name':'readers'}]}");
  // a ServiceAccount subject without a namespace is in the binding's namespace
  static final ObjectNode PATRONI_READS = obj("{'metadata':{'name':'patroni','namespace':'db'},'roleRef':{'kind':'Role','name':'pod-reader'},"
      + "'subjects':[{'kind':'ServiceAccount','name':'patroni'}]}");
  static final ObjectNode BOB_MISSING = obj("{'metadata':{'name':'bob','namespace':'db'},'roleRef':{'kind':'ClusterRole','name':'gone'},"
      + "'subjects':[{'kind':'User','name':'bob'}]}");

  static RbacSnapshot snapshot() {
    return new RbacSnapshot(List.of(POD_READER), List.of(VIEW), List.of(PATRONI_READS, BOB_MISSING), List.of(READERS_VIEW));
  }

  static Attributes req(UserInfo u, String verb, String resource, String ns) {
    return Attributes.resource(u, verb, "", resource, "", ns, "");
  }

  @Test
  void aClusterRoleBindingToAGroupHoldsEverywhere() {
    Decision d = snapshot().decide(req(ALICE, "list", "pods", "anywhere"));
    assertThat(d.allowed()).isTrue();
    assertThat(d.reason()).isEqualTo("RBAC: allowed by ClusterRoleBinding \"readers\" of ClusterRole \"view\" to Group \"readers\"");
    assertThat(snapshot().decide(req(ALICE, "list", "pods", "")).allowed()).as("across namespaces").isTrue();
    assertThat(snapshot().decide(req(ALICE, "delete", "pods", "db")).allowed()).isFalse();
  }

  @Test
  void aRoleBindingHoldsInItsNamespaceOnly() {
    assertThat(snapshot().decide(req(PATRONI, "patch", "endpoints", "db")).reason())
        .isEqualTo("RBAC: allowed by RoleBinding \"patroni/db\" of Role \"pod-reader\" to ServiceAccount \"patroni/db\"");
    assertThat(snapshot().decide(req(PATRONI, "patch", "endpoints", "other")).allowed()).isFalse();
    assertThat(snapshot().decide(req(PATRONI, "list", "pods", "")).allowed()).as("not across namespaces").isFalse();
    assertThat(snapshot().decide(req(PATRONI, "get", "secrets", "db")).allowed()).isFalse();
  }

  @Test
  void aBindingToAMissingRoleIsAnEvaluationError() {
    Decision d = snapshot().decide(req(BOB, "get", "pods", "db"));
    assertThat(d.allowed()).isFalse();
    assertThat(d.evaluationError()).isEqualTo("clusterrole.rbac.authorization.k8s.io \"gone\" not found");
  }

  @Test
  void rulesForCollectsClusterAndNamespaceRules() {
    var errors = new LinkedHashSet<String>();
    assertThat(snapshot().rulesFor(PATRONI, "db", errors)).hasSize(1);
    assertThat(snapshot().rulesFor(ALICE, "db", errors)).hasSize(1);
    assertThat(snapshot().rulesFor(BOB, "db", errors)).isEmpty();
    assertThat(errors).containsExactly("clusterrole.rbac.authorization.k8s.io \"gone\" not found");
  }

  @Test
  void mastersMayDoAnythingAndDecisionsFollowTheVersion() {
    AtomicLong version = new AtomicLong(1);
    List<RbacSnapshot> built = new java.util.ArrayList<>();
    RbacAuthorizer authz = new RbacAuthorizer(version::get, () -> {
      RbacSnapshot s = built.isEmpty() ? RbacSnapshot.empty() : snapshot();
      built.add(s);
      return s;
    });
    assertThat(authz.authorize(req(ADMIN, "delete", "nodes", "")).allowed()).isTrue();
    assertThat(authz.authorize(req(ALICE, "list", "pods", "db")).allowed()).isFalse();
    assertThat(authz.authorize(req(ALICE, "list", "pods", "db")).allowed()).as("cached").isFalse();
    assertThat(built).hasSize(1);
    version.incrementAndGet();
    assertThat(authz.authorize(req(ALICE, "list", "pods", "db")).allowed()).as("rebuilt after a change").isTrue();
    assertThat(built).hasSize(2);
  }

  @Test
  void forbiddenIsWordedAsUpstream() {
    RbacAuthorizer authz = new RbacAuthorizer(() -> 1, RbacSnapshotTest::snapshot);
    assertThatThrownBy(() -> authz.check(req(PATRONI, "list", "secrets", "db")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).isEqualTo("secrets is forbidden: User \"system:serviceaccount:db:patroni\" cannot list"
              + " resource \"secrets\" in API group \"\" in the namespace \"db\"");
        });
    assertThatThrownBy(() -> authz.check(Attributes.resource(ALICE, "delete", "apps", "deployments", "", "", "web")))
        .hasMessage("deployments.apps \"web\" is forbidden: User \"alice\" cannot delete resource \"deployments\" in API group"
            + " \"apps\" at the cluster scope");
    assertThatThrownBy(() -> authz.check(Attributes.resource(BOB, "create", "", "pods", "exec", "db", "p")))
        .hasMessage("pods \"p\" is forbidden: User \"bob\" cannot create resource \"pods/exec\" in API group \"\" in the namespace"
            + " \"db\": RBAC: clusterrole.rbac.authorization.k8s.io \"gone\" not found");
    assertThatThrownBy(() -> authz.check(Attributes.path(ALICE, "get", "/metrics")))
        .hasMessage("forbidden: User \"alice\" cannot get path \"/metrics\"");
  }

  @Test
  void impersonationNeedsTheVerbOnEachThingAskedFor() {
    ObjectNode impersonator = obj("{'metadata':{'name':'imp'},'rules':[{'verbs':['impersonate'],'apiGroups':[''],"
        + "'resources':['users'],'resourceNames':['alice']},{'verbs':['impersonate'],'apiGroups':[''],'resources':['serviceaccounts']}]}");
    ObjectNode bobImpersonates = obj("{'metadata':{'name':'imp'},'roleRef':{'kind':'ClusterRole','name':'imp'},"
        + "'subjects':[{'kind':'User','name':'bob'}]}");
    RbacAuthorizer authz = new RbacAuthorizer(() -> 1, () -> new RbacSnapshot(List.of(), List.of(impersonator), List.of(),
        List.of(bobImpersonates)));
    UserInfo asAlice = Impersonation.actAs(BOB, h -> h.equals(Impersonation.USER) ? List.of("alice") : List.of(), Map.of(), authz);
    assertThat(asAlice.username()).isEqualTo("alice");
    assertThat(asAlice.groups()).containsExactly(UserInfo.AUTHENTICATED);
    UserInfo asSa = Impersonation.actAs(BOB, h -> h.equals(Impersonation.USER) ? List.of("system:serviceaccount:db:patroni") : List.of(),
        Map.of(), authz);
    assertThat(asSa.groups()).containsExactly("system:serviceaccounts", "system:serviceaccounts:db", UserInfo.AUTHENTICATED);
    assertThatThrownBy(() -> Impersonation.actAs(BOB, h -> switch (h) {
      case Impersonation.USER -> List.of("alice");
      case Impersonation.GROUP -> List.of("system:masters");
      default -> List.of();
    }, Map.of(), authz)).hasMessage("groups \"system:masters\" is forbidden: User \"bob\" cannot impersonate resource \"groups\" in"
        + " API group \"\" at the cluster scope");
    assertThatThrownBy(() -> Impersonation.actAs(ALICE, h -> h.equals(Impersonation.USER) ? List.of("bob") : List.of(), Map.of(), authz))
        .hasMessage("users \"bob\" is forbidden: User \"alice\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope");
    assertThat(Impersonation.actAs(ALICE, h -> List.of(), Map.of(), authz)).isSameAs(ALICE);
  }

  @Test
  void noOneGrantsWhatHeDoesNotHold() {
    RbacAuthorizer authz = new RbacAuthorizer(() -> 1, RbacSnapshotTest::snapshot);
    RbacEscalation escalation = new RbacEscalation(authz);
    ObjectNode podReaderRole = obj("{'metadata':{'name':'r','namespace':'db'},'rules':[{'verbs':['get'],'apiGroups':[''],'resources':['pods']}]}");
    ObjectNode deleter = obj("{'metadata':{'name':'r','namespace':'db'},'rules':[{'verbs':['get','delete','deletecollection'],"
        + "'apiGroups':[''],'resources':['pods']}]}");
    RequestUser.runAs(ALICE, () -> escalation.admit("Role", podReaderRole, null));
    RequestUser.runAs(ALICE, () -> assertThatThrownBy(() -> escalation.admit("Role", deleter, null))
        .hasMessage("roles.rbac.authorization.k8s.io \"r\" is forbidden: user \"alice\" (groups=[\"readers\" \"system:authenticated\"])"
            + " is attempting to grant RBAC permissions not currently held:\n"
            + "{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"delete\" \"deletecollection\"]}"));
    ObjectNode bindAdmin = obj("{'metadata':{'name':'me','namespace':'db'},'roleRef':{'kind':'ClusterRole','name':'view'},"
        + "'subjects':[{'kind':'User','name':'bob'}]}");
    RequestUser.runAs(ALICE, () -> escalation.admit("RoleBinding", bindAdmin, null));
    RequestUser.runAs(BOB, () -> assertThatThrownBy(() -> escalation.admit("RoleBinding", bindAdmin, null))
        .hasMessageStartingWith("rolebindings.rbac.authorization.k8s.io \"me\" is forbidden: user \"bob\" (groups=[\"system:authenticated\"])"
            + " is attempting to grant RBAC permissions not currently held:\n{APIGroups:[\"\"], Resources:[\"pods\"], Verbs:[\"get\" \"list\"]}"
            + "; resolution errors: [clusterrole.rbac.authorization.k8s.io \"gone\" not found]"));
    // the server's own components write anything
    escalation.admit("Role", deleter, null);
  }
}
