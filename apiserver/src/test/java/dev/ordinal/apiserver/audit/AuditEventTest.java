package dev.ordinal.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.http.RequestInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuditEventTest {
  /** A request as the audit sees it, answered. */
  static final class FakeRequest implements AuditedRequest {
    String method = "POST";
    String path = "/api/v1/namespaces/default/configmaps";
    String query = "";
    Map<String, String> headers = new HashMap<>();
    UserInfo user = UserInfo.ADMIN;
    UserInfo requester;
    int status = 201;
    ObjectNode error;
    String bodyName;
    String remote = "127.0.0.1";
    boolean certificate;
    dev.ordinal.apiserver.authz.Decision decision;

    @Override public String method() { return method; }
    @Override public String path() { return path; }
    @Override public String requestUri() { return path + (query.isEmpty() ? "" : "?" + query); }
    @Override public String header(String name) { return headers.get(name); }
    @Override public String param(String name) {
      for (String kv : query.split("&")) {
        if (kv.startsWith(name + "=")) {
          return kv.substring(name.length() + 1);
        }
      }
      return "";
    }
    @Override public UserInfo user() { return user; }
    @Override public UserInfo requester() { return requester == null ? user : requester; }
    @Override public int status() { return status; }
    @Override public ObjectNode errorStatus() { return error; }
    @Override public String requestObjectName() { return bodyName; }
    @Override public String remoteAddress() { return remote; }
    @Override public boolean presentedCertificate() { return certificate; }
    @Override public dev.ordinal.apiserver.authz.Decision authorization() { return decision; }
  }

  private static final Instant RECEIVED = Instant.parse("2026-12-02T13:31:49.123456789Z");
  private static final Instant DONE = Instant.parse("2026-12-02T13:31:49.130001Z");

  @ParameterizedTest
  @CsvSource({
      "GET, /api/v1/namespaces/default/pods/web-0, '', get",
      "GET, /api/v1/namespaces/default/pods, '', list",
      "GET, /api/v1/pods, watch=true, watch",
      "GET, /api/v1/watch/namespaces/default/pods, '', watch",
      "HEAD, /api/v1/namespaces/default/pods/web-0, '', get",
      "POST, /api/v1/namespaces/default/pods, '', create",
      "POST, /api/v1/namespaces/default/pods/web-0/eviction, '', create",
      "PUT, /apis/apps/v1/namespaces/default/statefulsets/web/scale, '', update",
      "PATCH, /api/v1/nodes/n1, '', patch",
      "DELETE, /api/v1/namespaces/default/pods/web-0, '', delete",
      "DELETE, /api/v1/namespaces/default/pods, '', deletecollection",
      "GET, /version, '', get",
      "POST, /version, '', post",
  })
  void verbsAreUpstreams(String method, String path, String query, String verb) {
    FakeRequest r = new FakeRequest();
    r.query = query;
    assertThat(AuditEvent.verb(method, RequestInfo.parse(path), r.param("watch"))).isEqualTo(verb);
  }

  @Test
  void writesAndRefusalsAreAuditedReadsAreNot() {
    for (String write : List.of("create", "update", "patch", "delete", "deletecollection")) {
      assertThat(AuditEvent.isAudited(write, 200)).isTrue();
      assertThat(AuditEvent.isAudited(write, 409)).isTrue();
    }
    assertThat(AuditEvent.isAudited("get", 200)).isFalse();
    assertThat(AuditEvent.isAudited("watch", 200)).isFalse();
    assertThat(AuditEvent.isAudited("post", 404)).isFalse();
    assertThat(AuditEvent.isAudited("list", 401)).isTrue();
    assertThat(AuditEvent.isAudited("get", 403)).isTrue();
  }

  @Test
  void aCreateIsRecordedAtMetadataLevelWithTheBodysNameAndMicrosecondTimes() {
    FakeRequest r = new FakeRequest();
    r.query = "fieldManager=kubectl-create&fieldValidation=Strict";
    r.headers.put("User-Agent", "kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9");
    r.bodyName = "settings";
    r.user = new UserInfo("alice", "", List.of("readers", UserInfo.AUTHENTICATED),
        Map.of("authentication.kubernetes.io/credential-id", List.of("X509SHA256=ab")));
    ObjectNode json = AuditEvent.of(r, "0b1c-id", RECEIVED, DONE).toJson();
    assertThat(Json.string(json)).isEqualTo("""
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"0b1c-id","stage":"ResponseComplete",\
        "requestURI":"/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict",\
        "verb":"create","user":{"username":"alice","groups":["readers","system:authenticated"],\
        "extra":{"authentication.kubernetes.io/credential-id":["X509SHA256=ab"]}},"sourceIPs":["127.0.0.1"],\
        "userAgent":"kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9",\
        "objectRef":{"resource":"configmaps","namespace":"default","name":"settings","apiVersion":"v1"},\
        "responseStatus":{"metadata":{},"code":201},\
        "requestReceivedTimestamp":"2026-12-02T13:31:49.123456Z","stageTimestamp":"2026-12-02T13:31:49.130001Z"}""");
  }

  @Test
  void aRefusedWriteCarriesTheStatusFields() {
    FakeRequest r = new FakeRequest();
    r.method = "DELETE";
    r.path = "/apis/apps/v1/namespaces/prod/deployments/web";
    r.status = 404;
    r.error = ApiException.notFound("deployments.apps \"web\" not found").toStatus();
    ObjectNode json = AuditEvent.of(r, "id", RECEIVED, DONE).toJson();
    assertThat(json.path("verb").asText()).isEqualTo("delete");
    assertThat(Json.string(json.path("objectRef")))
        .isEqualTo("{\"resource\":\"deployments\",\"namespace\":\"prod\",\"name\":\"web\",\"apiGroup\":\"apps\",\"apiVersion\":\"v1\"}");
    assertThat(json.path("responseStatus").path("status").asText()).isEqualTo("Failure");
    assertThat(json.path("responseStatus").path("reason").asText()).isEqualTo("NotFound");
    assertThat(json.path("responseStatus").path("message").asText()).isEqualTo("deployments.apps \"web\" not found");
    assertThat(json.path("responseStatus").path("code").asInt()).isEqualTo(404);
    assertThat(json.path("responseStatus").has("kind")).isFalse();
  }

  @Test
  void anUnauthenticatedRequestHasNoUserAndSaysWhatWasTried() {
    FakeRequest r = new FakeRequest();
    r.method = "GET";
    r.path = "/api/v1/namespaces/default/pods";
    r.status = 401;
    r.user = UserInfo.ANONYMOUS;
    r.error = ApiException.unauthorized().toStatus();
    r.headers.put("Authorization", "Bearer nope");
    r.certificate = true;
    ObjectNode json = AuditEvent.of(r, "id", RECEIVED, DONE).toJson();
    assertThat(json.path("stage").asText()).isEqualTo("ResponseStarted");
    assertThat(json.path("verb").asText()).isEqualTo("list");
    assertThat(Json.string(json.path("user"))).isEqualTo("{}");
    assertThat(Json.string(json.path("responseStatus"))).isEqualTo(
        "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"Authentication failed, attempted: bearer, x509\","
            + "\"reason\":\"Unauthorized\",\"code\":401}");
    r.headers.clear();
    r.certificate = false;
    assertThat(AuditEvent.authenticationMethods(r)).isEqualTo("Authentication failed, no credentials provided");
  }

  @Test
  void aNamespaceIsItsOwnNamespaceAndSubresourcesAreNamed() {
    ObjectNode ns = AuditEvent.objectRef(RequestInfo.parse("/api/v1/namespaces/team/finalize"), null);
    assertThat(Json.string(ns)).isEqualTo(
        "{\"resource\":\"namespaces\",\"namespace\":\"team\",\"name\":\"team\",\"apiVersion\":\"v1\",\"subresource\":\"finalize\"}");
    ObjectNode created = AuditEvent.objectRef(RequestInfo.parse("/api/v1/namespaces"), "team");
    assertThat(Json.string(created)).isEqualTo("{\"resource\":\"namespaces\",\"namespace\":\"team\",\"name\":\"team\",\"apiVersion\":\"v1\"}");
    ObjectNode scale = AuditEvent.objectRef(RequestInfo.parse("/apis/apps/v1/namespaces/d/statefulsets/web/scale"), null);
    assertThat(scale.path("subresource").asText()).isEqualTo("scale");
    assertThat(AuditEvent.objectRef(null, null)).isNull();
  }

  @Test
  void sourceAddressesAreTheForwardedOnesThenTheConnections() {
    FakeRequest r = new FakeRequest();
    r.headers.put("X-Forwarded-For", "10.0.0.1, 10.0.0.2");
    r.headers.put("X-Real-Ip", "10.0.0.3");
    r.remote = "10.0.0.1";
    assertThat(AuditEvent.sourceIps(r)).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1");
    r.headers.put("X-Real-Ip", "10.0.0.2");
    r.remote = "10.0.0.2";
    assertThat(AuditEvent.sourceIps(r)).containsExactly("10.0.0.1", "10.0.0.2");
    r.headers.put("X-Forwarded-For", "not-an-ip");
    assertThat(AuditEvent.sourceIps(r)).containsExactly("10.0.0.2");
    assertThat(AuditEvent.sourceIps(new FakeRequest())).containsExactly("127.0.0.1");
  }

  @Test
  void impersonationIsRecordedWhenPresent() {
    FakeRequest r = new FakeRequest();
    AuditEvent plain = AuditEvent.of(r, "id", RECEIVED, DONE);
    assertThat(plain.toJson().has("impersonatedUser")).isFalse();
    r.user = new UserInfo("alice", "", List.of("readers", UserInfo.AUTHENTICATED), Map.of());
    r.requester = UserInfo.ADMIN;
    r.status = 403;
    r.error = ApiException.forbidden("configmaps is forbidden: User \"alice\" cannot create resource \"configmaps\" in API group \"\" "
        + "in the namespace \"default\"").toStatus();
    ObjectNode json = AuditEvent.of(r, "id", RECEIVED, DONE).toJson();
    assertThat(json.path("user").path("username").asText()).isEqualTo("admin");
    assertThat(Json.string(json.path("impersonatedUser"))).isEqualTo("{\"username\":\"alice\",\"groups\":[\"readers\",\"system:authenticated\"]}");
    assertThat(json.path("responseStatus").path("reason").asText()).isEqualTo("Forbidden");
    AuditEvent as = new AuditEvent(plain.auditId(), plain.stage(), plain.requestUri(), plain.verb(), plain.user(),
        new UserInfo("bob", "u-1", List.of("dev"), Map.of()), plain.sourceIps(), plain.userAgent(), plain.objectRef(),
        plain.responseStatus(), plain.received(), plain.stageTime(), plain.annotations());
    assertThat(Json.string(as.toJson().path("impersonatedUser"))).isEqualTo("{\"username\":\"bob\",\"uid\":\"u-1\",\"groups\":[\"dev\"]}");
  }

  @Test
  void theAuthorizersDecisionIsAnnotatedAsUpstreamsFilterDoes() {
    FakeRequest r = new FakeRequest();
    assertThat(AuditEvent.of(r, "id", RECEIVED, DONE).toJson().has("annotations")).isFalse();
    r.decision = dev.ordinal.apiserver.authz.Decision.allow(
        "RBAC: allowed by ClusterRoleBinding \"edit\" of ClusterRole \"edit\" to User \"alice\"");
    assertThat(Json.string(AuditEvent.of(r, "id", RECEIVED, DONE).toJson().path("annotations"))).isEqualTo(
        "{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":"
            + "\"RBAC: allowed by ClusterRoleBinding \\\"edit\\\" of ClusterRole \\\"edit\\\" to User \\\"alice\\\"\"}");
    r.decision = dev.ordinal.apiserver.authz.Decision.deny("");
    r.status = 403;
    assertThat(Json.string(AuditEvent.of(r, "id", RECEIVED, DONE).toJson().path("annotations"))).isEqualTo(
        "{\"authorization.k8s.io/decision\":\"forbid\",\"authorization.k8s.io/reason\":\"\"}");
    ObjectNode last = AuditEvent.of(r, "id", RECEIVED, DONE).toJson();
    assertThat(last.properties().stream().map(java.util.Map.Entry::getKey).toList().getLast()).isEqualTo("annotations");
  }
}
