package dev.ordinal.controllers.leaderelection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The part of a coordination.k8s.io Lease that leader election reads and writes (client-go's
 * LeaderElectionRecord): who holds it, since when, when it was last renewed, for how long a
 * renewal counts, and how often it changed hands. An empty holder is a released Lease.
 */
public record LeaseRecord(String holder, Instant acquireTime, Instant renewTime, int durationSeconds, int transitions) {

  /** The record of a Lease object's spec; missing times read as the epoch. */
  public static LeaseRecord of(JsonNode lease) {
    JsonNode spec = lease.path("spec");
    return new LeaseRecord(spec.path("holderIdentity").asText(""), time(spec.path("acquireTime").asText("")),
        time(spec.path("renewTime").asText("")), spec.path("leaseDurationSeconds").asInt(0), spec.path("leaseTransitions").asInt(0));
  }

  /** Writes this record into a Lease's spec, MicroTime as the API keeps it. */
  public void writeTo(ObjectNode lease) {
    ObjectNode spec = lease.with("spec");
    spec.put("holderIdentity", holder).put("leaseDurationSeconds", durationSeconds).put("acquireTime", format(acquireTime))
        .put("renewTime", format(renewTime)).put("leaseTransitions", transitions);
  }

  static String format(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MICROS));
  }

  private static Instant time(String s) {
    if (s.isEmpty()) {
      return Instant.EPOCH;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
