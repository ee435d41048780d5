package dev.ordinal.apiserver.audit;

import dev.ordinal.api.Json;
import java.time.Instant;
import java.util.UUID;

/**
 * What the API handler calls once a request is answered: it decides whether the request is
 * audited ({@link AuditEvent#isAudited}: writes and requests refused with 401 or 403), builds its
 * event and hands the line to the {@link AuditLog}. Without a log (API-server-only tests) it does
 * nothing. Costs the calling thread the event's serialization, never disk I/O. Thread-safe.
 */
public final class Auditor {
  private volatile AuditLog log;

  /** From now on, audited requests go to {@code log} (null: nowhere). */
  public void writeTo(AuditLog log) {
    this.log = log;
  }

  public AuditLog log() {
    return log;
  }

  /**
   * Records an answered request if it is audited.
   *
   * @param received when the request arrived at the handler
   */
  public void record(AuditedRequest request, Instant received) {
    AuditLog target = log;
    if (target == null) {
      return;
    }
    try {
      append(target, request, received);
    } catch (RuntimeException e) {
      // the request is answered; a broken event must not turn into its failure
      org.slf4j.LoggerFactory.getLogger(Auditor.class).error("cannot audit {} {}", request.method(), request.path(), e);
    }
  }

  private static void append(AuditLog target, AuditedRequest request, Instant received) {
    String verb = AuditEvent.verb(request.method(), dev.ordinal.apiserver.http.RequestInfo.parse(request.path()),
        request.param("watch"));
    if (!AuditEvent.isAudited(verb, request.status())) {
      return;
    }
    // a client's own Audit-ID is kept, as upstream does, so it can follow its request through the log
    String id = request.header("Audit-ID");
    AuditEvent event = AuditEvent.of(request, id == null || id.isBlank() ? UUID.randomUUID().toString() : id.strip(), received,
        Instant.now());
    target.append(Json.bytes(event.toJson()));
  }
}
