package dev.ordinal.apiserver.printing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading values for cells, the way kubectl's printers render them. */
final class Cells {
  static final String NONE = "<none>";

  private Cells() {}

  static String text(JsonNode n, String... path) {
    for (String p : path) {
      n = n.path(p);
    }
    return n.isMissingNode() || n.isNull() ? "" : n.asText();
  }

  static String orNone(String s) {
    return s == null || s.isEmpty() ? NONE : s;
  }

  static long number(JsonNode n, String... path) {
    for (String p : path) {
      n = n.path(p);
    }
    return n.asLong(0);
  }

  static String age(ObjectNode obj, Instant now) {
    return since(text(obj, "metadata", "creationTimestamp"), now);
  }

  static String since(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return HumanDuration.format(Duration.between(Instant.parse(timestamp), now));
    } catch (RuntimeException e) {
      return "<unknown>";
    }
  }

  /** {@code a=b,c=d} sorted by key, as kubectl prints selectors. */
  static String keyValues(JsonNode map) {
    if (map == null || !map.isObject() || map.isEmpty()) {
      return NONE;
    }
    Map<String, String> sorted = new TreeMap<>();
    map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    List<String> parts = new ArrayList<>();
    sorted.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(",", parts);
  }

  /** RWO, ROX, RWX, RWOP as kubectl abbreviates access modes. */
  static String accessModes(JsonNode modes) {
    List<String> out = new ArrayList<>();
    for (String want : List.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod")) {
      for (JsonNode m : modes) {
        if (m.asText().equals(want)) {
          out.add(switch (want) {
            case "ReadWriteOnce" -> "RWO";
            case "ReadOnlyMany" -> "ROX";
            case "ReadWriteMany" -> "RWX";
            default -> "RWOP";
          });
        }
      }
    }
    return String.join(",", out);
  }

  static List<String> strings(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(field == null ? n.asText() : n.path(field).asText());
    }
    return out;
  }
}
