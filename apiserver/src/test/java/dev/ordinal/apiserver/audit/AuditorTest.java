package dev.ordinal.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditorTest {
  @TempDir Path dir;

  @Test
  void writesAndRefusalsGoToTheLogReadsDoNotAndAClientsAuditIdIsKept() throws Exception {
    Auditor auditor = new Auditor();
    AuditEventTest.FakeRequest create = new AuditEventTest.FakeRequest();
    auditor.record(create, Instant.now()); // no log yet: nothing, no failure
    try (AuditLog log = new AuditLog(dir.resolve("audit.log"), 0, 1)) {
      auditor.writeTo(log);
      create.headers.put("Audit-ID", "from-the-client");
      auditor.record(create, Instant.now());
      AuditEventTest.FakeRequest read = new AuditEventTest.FakeRequest();
      read.method = "GET";
      read.status = 200;
      auditor.record(read, Instant.now());
      AuditEventTest.FakeRequest forbiddenRead = new AuditEventTest.FakeRequest();
      forbiddenRead.method = "GET";
      forbiddenRead.status = 403;
      auditor.record(forbiddenRead, Instant.now());
      assertThat(log.sync(Duration.ofSeconds(5))).isTrue();
      List<String> lines = Files.readAllLines(log.file());
      assertThat(lines).hasSize(2);
      assertThat(Json.parseObject(lines.get(0).getBytes()).path("auditID").asText()).isEqualTo("from-the-client");
      assertThat(Json.parseObject(lines.get(1).getBytes()).path("verb").asText()).isEqualTo("list");
      assertThat(Json.parseObject(lines.get(1).getBytes()).path("auditID").asText()).matches("[0-9a-f-]{36}");
    }
  }
}
