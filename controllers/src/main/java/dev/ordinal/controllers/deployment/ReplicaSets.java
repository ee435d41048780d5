package dev.ordinal.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the Deployment controller reads off its ReplicaSets, as upstream's deploymentutil. Pure. */
public final class ReplicaSets {
  public static final String HASH_LABEL = "pod-template-hash";
  public static final String REVISION = "deployment.kubernetes.io/revision";
  public static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  public static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  public static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  /** Annotations of a Deployment that are not copied to its ReplicaSets. */
  static final List<String> NOT_COPIED = List.of("kubectl.kubernetes.io/last-applied-configuration", REVISION,
      REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to");
  private static final String SAFE = "bcdfghjklmnpqrstvwxz2456789";

  private ReplicaSets() {}

  public static int replicas(JsonNode rs) {
    return rs.path("spec").path("replicas").asInt(1);
  }

  static int statusReplicas(JsonNode rs) {
    return rs.path("status").path("replicas").asInt(0);
  }

  static int available(JsonNode rs) {
    return rs.path("status").path("availableReplicas").asInt(0);
  }

  static int ready(JsonNode rs) {
    return rs.path("status").path("readyReplicas").asInt(0);
  }

  public static long revision(JsonNode rs) {
    try {
      return Long.parseLong(rs.path("metadata").path("annotations").path(REVISION).asText("0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** An annotation read as an int, or -1 when absent or not a number. */
  static int intAnnotation(JsonNode rs, String name) {
    try {
      return Integer.parseInt(rs.path("metadata").path("annotations").path(name).asText("-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static Instant created(JsonNode rs) {
    String t = rs.path("metadata").path("creationTimestamp").asText("");
    return t.isEmpty() ? Instant.MAX : Instant.parse(t);
  }

  /** Oldest first; then by name (upstream's ReplicaSetsByCreationTimestamp). */
  static final Comparator<ObjectNode> BY_CREATION =
      Comparator.comparing((ObjectNode rs) -> created(rs)).thenComparing(Meta::name);

  /** Lowest revision first, then oldest (ReplicaSetsByRevision). */
  static final Comparator<ObjectNode> BY_REVISION =
      Comparator.comparingLong((ObjectNode rs) -> revision(rs)).thenComparing(BY_CREATION);

  /** Larger first, newer on a tie (ReplicaSetsBySizeNewer). */
  static final Comparator<ObjectNode> BY_SIZE_NEWER =
      Comparator.comparingInt((ObjectNode rs) -> -replicas(rs)).thenComparing(BY_CREATION.reversed());

  /** Larger first, older on a tie (ReplicaSetsBySizeOlder). */
  static final Comparator<ObjectNode> BY_SIZE_OLDER =
      Comparator.comparingInt((ObjectNode rs) -> -replicas(rs)).thenComparing(BY_CREATION);

  /**
   * Whether two pod templates are the same but for the pod-template-hash label (upstream's
   * EqualIgnoreHash); compared in a canonical form, so 1 and 1L or key order do not matter.
   */
  public static boolean sameTemplate(JsonNode a, JsonNode b) {
    return canonical(withoutHash(a)).equals(canonical(withoutHash(b)));
  }

  private static JsonNode withoutHash(JsonNode template) {
    if (!template.isObject()) {
      return template;
    }
    ObjectNode copy = template.deepCopy();
    JsonNode labels = copy.path("metadata").path("labels");
    if (labels instanceof ObjectNode l) {
      l.remove(HASH_LABEL);
      if (l.isEmpty()) {
        ((ObjectNode) copy.path("metadata")).remove("labels");
      }
    }
    return copy;
  }

  /**
   * Sorted keys, numbers as their text, null and empty members left out: a form in which values
   * Go would decode to the same struct are equal strings (kubectl's rollback sends
   * {@code creationTimestamp: null} and {@code resources: {}} in the template it copies).
   */
  static String canonical(JsonNode n) {
    StringBuilder b = new StringBuilder();
    canonical(n, b);
    return b.toString();
  }

  private static boolean isEmpty(JsonNode v) {
    return v.isNull() || ((v.isObject() || v.isArray()) && v.isEmpty());
  }

  private static void canonical(JsonNode n, StringBuilder b) {
    if (n.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      n.fields().forEachRemaining(e -> {
        if (!isEmpty(e.getValue())) {
          sorted.put(e.getKey(), e.getValue());
        }
      });
      b.append('{');
      sorted.forEach((k, v) -> {
        b.append('"').append(k).append("\":");
        canonical(v, b);
        b.append(',');
      });
      b.append('}');
    } else if (n.isArray()) {
      b.append('[');
      n.forEach(e -> {
        canonical(e, b);
        b.append(',');
      });
      b.append(']');
    } else if (n.isNumber()) {
      b.append(n.decimalValue().stripTrailingZeros().toPlainString());
    } else {
      b.append(n.toString());
    }
  }

  /**
   * The pod-template-hash of a template: FNV-32a of its canonical form and the collision count,
   * written in upstream's safe alphabet (no vowels, so no words; the same shape as upstream's
   * hashes, though not the same values, since upstream hashes Go's printing of the struct).
   */
  public static String hash(JsonNode template, long collisionCount) {
    int h = 0x811c9dc5;
    byte[] bytes = canonical(withoutHash(template)).getBytes(StandardCharsets.UTF_8);
    for (byte x : bytes) {
      h ^= (x & 0xff);
      h *= 0x01000193;
    }
    if (collisionCount > 0) {
      for (byte x : Long.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
        h ^= (x & 0xff);
        h *= 0x01000193;
      }
    }
    String digits = Long.toString(Integer.toUnsignedLong(h));
    StringBuilder out = new StringBuilder();
    for (char c : digits.toCharArray()) {
      out.append(SAFE.charAt(c % SAFE.length()));
    }
    return out.toString();
  }

  /** An int-or-percent of {@code total}, rounded up or down (intstr.GetScaledValueFromIntOrPercent). */
  static int scaled(JsonNode v, int total, boolean roundUp) {
    if (v.isNumber()) {
      return v.asInt();
    }
    String s = v.asText("");
    if (s.endsWith("%")) {
      try {
        long pct = Long.parseLong(s.substring(0, s.length() - 1));
        return (int) (roundUp ? Math.ceilDiv(pct * total, 100) : Math.floorDiv(pct * total, 100));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
