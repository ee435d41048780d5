package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.util.Map;

/**
 * Required node affinity (pods' and PersistentVolumes'): terms are ORed, the requirements of a
 * term ANDed; {@code matchFields} may name {@code metadata.name}.
 */
final class NodeSelectorTerms {
  private NodeSelectorTerms() {}

  static boolean matches(JsonNode terms, ObjectNode node) {
    for (JsonNode term : terms) {
      if (termMatches(term, node)) {
        return true;
      }
    }
    return false;
  }

  /** Whether every requirement of one term holds; a term without requirements matches nothing. */
  static boolean termMatches(JsonNode term, ObjectNode node) {
    Map<String, String> labels = Meta.labels(node);
    boolean all = true;
    for (JsonNode req : term.path("matchExpressions")) {
      all &= requirement(req, labels.get(req.path("key").asText()));
    }
    for (JsonNode req : term.path("matchFields")) {
      all &= req.path("key").asText().equals("metadata.name") && requirement(req, Meta.name(node));
    }
    return all && (term.path("matchExpressions").size() + term.path("matchFields").size()) > 0;
  }

  private static boolean requirement(JsonNode req, String value) {
    JsonNode values = req.path("values");
    boolean contains = false;
    for (JsonNode v : values) {
      contains |= v.asText().equals(value);
    }
    return switch (req.path("operator").asText()) {
      case "In" -> value != null && contains;
      case "NotIn" -> value == null || !contains;
      case "Exists" -> value != null;
      case "DoesNotExist" -> value == null;
      case "Gt" -> value != null && values.size() == 1 && compare(value, values.get(0).asText()) > 0;
      case "Lt" -> value != null && values.size() == 1 && compare(value, values.get(0).asText()) < 0;
      default -> false;
    };
  }

  private static int compare(String a, String b) {
    try {
      return Long.compare(Long.parseLong(a), Long.parseLong(b));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
