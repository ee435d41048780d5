package dev.ordinal.controllers.rbac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.api.selector.SelectorException;
import dev.ordinal.apiserver.registry.Meta;
import java.util.Comparator;
import java.util.List;

/**
 * The rules of an aggregated ClusterRole, as upstream's clusterrole-aggregation controller makes
 * them: for each of its selectors in order, the ClusterRoles it selects sorted by name (itself
 * left out), their rules appended unless an equal rule is there already. Aggregated roles that are
 * themselves aggregated (admin takes edit, edit takes view) settle over successive passes, each
 * write waking the roles that select it.
 */
public final class AggregationPlanner {
  private AggregationPlanner() {}

  /** The rules {@code role} should have, or null when it is not aggregated or already has them. */
  public static ArrayNode plan(ObjectNode role, List<ObjectNode> clusterRoles) {
    JsonNode selectors = role.path("aggregationRule").path("clusterRoleSelectors");
    if (!selectors.isArray() || selectors.isEmpty()) {
      return null;
    }
    ArrayNode rules = Json.MAPPER.createArrayNode();
    List<ObjectNode> sorted = clusterRoles.stream().sorted(Comparator.comparing(Meta::name)).toList();
    for (JsonNode sel : selectors) {
      LabelSelector selector;
      try {
        selector = LabelSelector.fromSelector(Json.convert(sel, io.fabric8.kubernetes.api.model.LabelSelector.class));
      } catch (SelectorException e) {
        continue; // validation refuses such selectors; an old stored one selects nothing
      }
      for (ObjectNode other : sorted) {
        if (Meta.name(other).equals(Meta.name(role)) || !selector.matches(Meta.labels(other))) {
          continue;
        }
        for (JsonNode rule : other.path("rules")) {
          if (!contains(rules, rule)) {
            rules.add(rule.deepCopy());
          }
        }
      }
    }
    JsonNode current = role.path("rules");
    if (current.equals(rules) || (current.isMissingNode() && rules.isEmpty())) {
      return null;
    }
    return rules;
  }

  private static boolean contains(ArrayNode rules, JsonNode rule) {
    for (JsonNode r : rules) {
      if (r.equals(rule)) {
        return true;
      }
    }
    return false;
  }
}
