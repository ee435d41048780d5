package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;

/**
 * Container lifecycle hooks ({@code postStart}, {@code preStop}): the same handlers as probes
 * (exec, httpGet, tcpSocket) plus {@code sleep}, bounded by the time the hook may take.
 */
final class Hooks {
  private Hooks() {}

  /** Runs the handler; true when it succeeded. */
  static boolean run(JsonNode handler, JsonNode container, RuncContainer c, String podIp, Duration limit) {
    if (handler.has("sleep")) {
      try {
        Thread.sleep(Math.min(limit.toMillis(), handler.path("sleep").path("seconds").asLong(0) * 1000));
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    ObjectNode asProbe = handler.deepCopy();
    asProbe.put("timeoutSeconds", Math.max(1, limit.toSeconds()));
    return Probes.run(asProbe, container, c, podIp).passed();
  }
}
