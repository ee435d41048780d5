package dev.ordinal.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * One rbac/v1 PolicyRule and upstream's matching of it (rbac's RuleAllows): "*" matches any verb,
 * group or resource; {@code resources: ["&#42;/scale"]} matches the scale subresource of anything and
 * {@code pods/*} every subresource of pods; resourceNames limit the rule to those names (so a rule
 * with names never allows list, create or deletecollection, which have no name); a non-resource
 * URL matches exactly or, ending in "*", by prefix.
 */
public record PolicyRule(List<String> verbs, List<String> apiGroups, List<String> resources, List<String> resourceNames,
    List<String> nonResourceURLs) {

  public PolicyRule {
    verbs = List.copyOf(verbs);
    apiGroups = List.copyOf(apiGroups);
    resources = List.copyOf(resources);
    resourceNames = List.copyOf(resourceNames);
    nonResourceURLs = List.copyOf(nonResourceURLs);
  }

  public static PolicyRule resources(List<String> verbs, List<String> apiGroups, List<String> resources) {
    return new PolicyRule(verbs, apiGroups, resources, List.of(), List.of());
  }

  public static PolicyRule urls(List<String> verbs, List<String> urls) {
    return new PolicyRule(verbs, List.of(), List.of(), List.of(), urls);
  }

  public static PolicyRule fromJson(JsonNode rule) {
    return new PolicyRule(strings(rule.path("verbs")), strings(rule.path("apiGroups")), strings(rule.path("resources")),
        strings(rule.path("resourceNames")), strings(rule.path("nonResourceURLs")));
  }

  public static List<PolicyRule> listFromJson(JsonNode rules) {
    List<PolicyRule> out = new ArrayList<>();
    rules.forEach(r -> out.add(fromJson(r)));
    return out;
  }

  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    verbs.forEach(o.putArray("verbs")::add);
    if (!apiGroups.isEmpty()) {
      apiGroups.forEach(o.putArray("apiGroups")::add);
    }
    if (!resources.isEmpty()) {
      resources.forEach(o.putArray("resources")::add);
    }
    if (!resourceNames.isEmpty()) {
      resourceNames.forEach(o.putArray("resourceNames")::add);
    }
    if (!nonResourceURLs.isEmpty()) {
      nonResourceURLs.forEach(o.putArray("nonResourceURLs")::add);
    }
    return o;
  }

  public boolean allows(Attributes a) {
    if (a.resourceRequest()) {
      return verbMatches(a.verb()) && groupMatches(a.apiGroup()) && resourceMatches(a.resource(), a.subresource())
          && nameMatches(a.name());
    }
    return verbMatches(a.verb()) && urlMatches(a.path());
  }

  boolean verbMatches(String verb) {
    return verbs.contains("*") || verbs.contains(verb);
  }

  boolean groupMatches(String group) {
    return apiGroups.contains("*") || apiGroups.contains(group);
  }

  boolean resourceMatches(String resource, String subresource) {
    String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
    for (String r : resources) {
      if (r.equals("*") || r.equals(combined)) {
        return true;
      }
      if (!subresource.isEmpty() && (r.equals("*/" + subresource) || r.equals(resource + "/*"))) {
        return true;
      }
    }
    return false;
  }

  boolean nameMatches(String name) {
    return resourceNames.isEmpty() || (!name.isEmpty() && resourceNames.contains(name));
  }

  boolean urlMatches(String path) {
    for (String url : nonResourceURLs) {
      if (url.equals("*") || url.equals(path) || (url.endsWith("*") && path.startsWith(url.substring(0, url.length() - 1)))) {
        return true;
      }
    }
    return false;
  }

  /** Upstream's compact rendering, used in escalation messages: {@code {APIGroups:[""], Resources:["pods"], Verbs:["get"]}}. */
  public String compact() {
    List<String> parts = new ArrayList<>();
    if (!apiGroups.isEmpty()) {
      parts.add("APIGroups:" + quoted(apiGroups));
    }
    if (!resources.isEmpty()) {
      parts.add("Resources:" + quoted(resources));
    }
    if (!resourceNames.isEmpty()) {
      parts.add("ResourceNames:" + quoted(resourceNames));
    }
    if (!nonResourceURLs.isEmpty()) {
      parts.add("NonResourceURLs:" + quoted(nonResourceURLs));
    }
    parts.add("Verbs:" + quoted(verbs));
    return "{" + String.join(", ", parts) + "}";
  }

  static String quoted(List<String> values) {
    List<String> q = new ArrayList<>();
    values.forEach(v -> q.add("\"" + v + "\""));
    return "[" + String.join(" ", q) + "]";
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
