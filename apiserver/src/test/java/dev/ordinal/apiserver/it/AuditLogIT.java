package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.audit.AuditLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The audit log of a real API server: one audit.k8s.io/v1 Event per write and per refused
 * request, with the user, verb, object and response code; reads are not logged.
 */
class AuditLogIT extends ApiServerTestBase {
  static AuditLog audit;

  @BeforeAll
  static void auditToAFile() throws Exception {
    audit = new AuditLog(dir.resolve("audit/audit.log"), 0, 5);
    api.server.auditTo(audit);
  }

  /** The events matching {@code which} once there are {@code count} (the handler records an event just after the response leaves). */
  private static List<ObjectNode> events(int count, Predicate<ObjectNode> which) {
    return await().atMost(Duration.ofSeconds(5)).until(() -> events(which), l -> l.size() >= count);
  }

  private static List<ObjectNode> events(Predicate<ObjectNode> which) throws Exception {
    assertThat(audit.sync(Duration.ofSeconds(5))).isTrue();
    return Files.readAllLines(audit.file()).stream().map(l -> Json.parseObject(l.getBytes())).filter(which).toList();
  }

  @Test
  void aCreateIsLoggedWithItsUserObjectAndCode() throws Exception {
    Instant before = Instant.now();
    HttpResponse<String> created = api.send("POST", "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create",
        "application/json", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"audited\"},\"data\":{\"a\":\"b\"}}");
    assertThat(created.statusCode()).isEqualTo(201);
    List<ObjectNode> events = events(1, e -> e.path("objectRef").path("name").asText().equals("audited"));
    assertThat(events).hasSize(1);
    ObjectNode e = events.get(0);
    assertThat(e.path("kind").asText()).isEqualTo("Event");
    assertThat(e.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
    assertThat(e.path("level").asText()).isEqualTo("Metadata");
    assertThat(e.path("stage").asText()).isEqualTo("ResponseComplete");
    assertThat(e.path("auditID").asText()).matches("[0-9a-f-]{36}");
    assertThat(e.path("verb").asText()).isEqualTo("create");
    assertThat(e.path("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create");
    assertThat(e.path("user").path("username").asText()).isEqualTo("admin");
    assertThat(e.path("user").path("groups").toString()).isEqualTo("[\"system:masters\",\"system:authenticated\"]");
    assertThat(e.path("sourceIPs").toString()).isEqualTo("[\"127.0.0.1\"]");
    assertThat(e.path("userAgent").asText()).startsWith("Java-http-client");
    assertThat(e.path("objectRef").toString())
        .isEqualTo("{\"resource\":\"configmaps\",\"namespace\":\"default\",\"name\":\"audited\",\"apiVersion\":\"v1\"}");
    assertThat(e.path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"code\":201}");
    // system:masters is allowed without a binding: upstream's privileged-group authorizer gives no reason
    assertThat(e.path("annotations").toString())
        .isEqualTo("{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":\"\"}");
    assertThat(e.path("requestReceivedTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    Instant received = Instant.parse(e.path("requestReceivedTimestamp").asText());
    Instant completed = Instant.parse(e.path("stageTimestamp").asText());
    assertThat(received).isAfterOrEqualTo(before.minusMillis(1)).isBeforeOrEqualTo(completed);
  }

  @Test
  void anUnauthenticatedRequestIsLogged() throws Exception {
    HttpResponse<String> refused = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(api.url() + "/api/v1/namespaces/default/secrets?limit=1")).header("Authorization", "Bearer wrong")
        .header("Audit-ID", "my-audit-id").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(401);
    List<ObjectNode> events = events(1, e -> e.path("auditID").asText().equals("my-audit-id"));
    assertThat(events).hasSize(1);
    ObjectNode e = events.get(0);
    assertThat(e.path("verb").asText()).isEqualTo("list");
    assertThat(e.path("stage").asText()).isEqualTo("ResponseStarted");
    assertThat(e.path("user").toString()).isEqualTo("{}");
    assertThat(e.path("objectRef").toString()).isEqualTo("{\"resource\":\"secrets\",\"namespace\":\"default\",\"apiVersion\":\"v1\"}");
    assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(401);
    assertThat(e.path("responseStatus").path("message").asText()).isEqualTo("Authentication failed, attempted: bearer");
  }

  @Test
  void failedWritesCarryTheirStatusAndReadsAreNotLogged() throws Exception {
    assertThat(api.send("DELETE", "/api/v1/namespaces/default/configmaps/never-there", null, null).statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/namespaces/default/configmaps/never-there", null).statusCode()).isEqualTo(404);
    assertThat(api.get("/api/v1/namespaces/default/configmaps", null).statusCode()).isEqualTo(200);
    List<ObjectNode> events = events(1, e -> e.path("objectRef").path("name").asText().equals("never-there"));
    assertThat(events).hasSize(1);
    assertThat(events.get(0).path("verb").asText()).isEqualTo("delete");
    assertThat(events.get(0).path("responseStatus").path("reason").asText()).isEqualTo("NotFound");
    assertThat(events.get(0).path("responseStatus").path("code").asInt()).isEqualTo(404);
    // a write after the reads: once it is in the log, the reads would be too
    api.send("DELETE", "/api/v1/namespaces/default/configmaps/after-the-reads", null, null);
    events(1, e -> e.path("objectRef").path("name").asText().equals("after-the-reads"));
    assertThat(events(e -> e.path("objectRef").path("resource").asText().equals("configmaps")
        && (e.path("verb").asText().equals("list") || e.path("verb").asText().equals("get")))).isEmpty();
  }
}
