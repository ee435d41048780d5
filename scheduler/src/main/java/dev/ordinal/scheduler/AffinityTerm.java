package dev.ordinal.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.selector.LabelSelector;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One inter-pod (anti-)affinity term of a pod, ready to match other pods, as kube-scheduler
 * reads a {@code PodAffinityTerm}: a pod matches when it is in one of the namespaces (the owner's
 * own when neither namespaces nor a namespaceSelector is given) or in a namespace the
 * namespaceSelector selects, and its labels match the labelSelector (none: matches nothing).
 * {@code matchLabelKeys}/{@code mismatchLabelKeys} add {@code key in (v)}/{@code key notin (v)}
 * with the owner's value of each key, as the API server merges them upstream.
 */
record AffinityTerm(Predicate<Map<String, String>> selector, Set<String> namespaces,
    Predicate<Map<String, String>> namespaceSelector, String topologyKey, int weight) {

  static final Predicate<Map<String, String>> NOTHING = labels -> false;

  boolean matches(ObjectNode pod, Map<String, String> namespaceLabels) {
    return (namespaces.contains(Meta.namespace(pod)) || namespaceSelector.test(namespaceLabels)) && selector.test(Meta.labels(pod));
  }

  /** Whether the pod has inter-pod affinity or anti-affinity of any kind. */
  static boolean hasPodAffinity(ObjectNode pod) {
    JsonNode a = pod.path("spec").path("affinity");
    return a.has("podAffinity") || a.has("podAntiAffinity");
  }

  /** The required terms of {@code podAffinity} or {@code podAntiAffinity} ({@code kind}). */
  static List<AffinityTerm> required(ObjectNode owner, String kind) {
    List<AffinityTerm> out = new ArrayList<>();
    for (JsonNode t : owner.path("spec").path("affinity").path(kind).path("requiredDuringSchedulingIgnoredDuringExecution")) {
      out.add(of(owner, t, 1));
    }
    return out;
  }

  /** The preferred terms of {@code podAffinity} or {@code podAntiAffinity}, with their weights. */
  static List<AffinityTerm> preferred(ObjectNode owner, String kind) {
    List<AffinityTerm> out = new ArrayList<>();
    for (JsonNode t : owner.path("spec").path("affinity").path(kind).path("preferredDuringSchedulingIgnoredDuringExecution")) {
      out.add(of(owner, t.path("podAffinityTerm"), t.path("weight").asInt(0)));
    }
    return out;
  }

  private static AffinityTerm of(ObjectNode owner, JsonNode term, int weight) {
    Set<String> namespaces = new HashSet<>();
    term.path("namespaces").forEach(n -> namespaces.add(n.asText()));
    JsonNode nsSelector = term.path("namespaceSelector");
    if (namespaces.isEmpty() && !nsSelector.isObject()) {
      namespaces.add(Meta.namespace(owner));
    }
    JsonNode selector = term.path("labelSelector");
    if (selector.isObject() && (term.has("matchLabelKeys") || term.has("mismatchLabelKeys"))) {
      selector = withLabelKeys(owner, (ObjectNode) selector, term);
    }
    return new AffinityTerm(selector(selector), namespaces, selector(nsSelector), term.path("topologyKey").asText(""), weight);
  }

  private static ObjectNode withLabelKeys(ObjectNode owner, ObjectNode selector, JsonNode term) {
    ObjectNode merged = selector.deepCopy();
    ArrayNode expressions = merged.withArray("matchExpressions");
    Map<String, String> labels = Meta.labels(owner);
    for (String field : List.of("matchLabelKeys", "mismatchLabelKeys")) {
      for (JsonNode key : term.path(field)) {
        String value = labels.get(key.asText());
        if (value != null) {
          ObjectNode e = expressions.addObject().put("key", key.asText()).put("operator", field.startsWith("match") ? "In" : "NotIn");
          e.putArray("values").add(value);
        }
      }
    }
    return merged;
  }

  /** A metav1.LabelSelector: absent or unreadable matches nothing, empty matches everything. */
  static Predicate<Map<String, String>> selector(JsonNode selector) {
    if (!selector.isObject()) {
      return NOTHING;
    }
    try {
      LabelSelector s = LabelSelector.fromSelector(Json.convert(selector, io.fabric8.kubernetes.api.model.LabelSelector.class));
      return s::matches;
    } catch (RuntimeException e) {
      return NOTHING;
    }
  }
}
