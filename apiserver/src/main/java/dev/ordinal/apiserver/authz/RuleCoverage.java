package dev.ordinal.apiserver.authz;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether one set of rules holds every permission of another, as upstream's validation.Covers
 * decides it for escalation prevention: each requested rule is broken down into rules of one verb,
 * one group, one resource (and one name, or one URL), and each of those must be covered by some
 * held rule. A requested "*" is covered only by a held "*": holding every listed resource is not
 * holding all resources, since new ones appear.
 */
public final class RuleCoverage {
  private RuleCoverage() {}

  /** The pieces of {@code requested} that {@code held} does not cover; empty when it covers them all. */
  public static List<PolicyRule> uncovered(List<PolicyRule> held, List<PolicyRule> requested) {
    List<PolicyRule> missing = new ArrayList<>();
    for (PolicyRule rule : requested) {
      for (PolicyRule piece : breakdown(rule)) {
        if (held.stream().noneMatch(h -> covers(h, piece))) {
          missing.add(piece);
        }
      }
    }
    return missing;
  }

  static List<PolicyRule> breakdown(PolicyRule rule) {
    List<PolicyRule> out = new ArrayList<>();
    for (String verb : rule.verbs()) {
      for (String group : rule.apiGroups()) {
        for (String resource : rule.resources()) {
          if (rule.resourceNames().isEmpty()) {
            out.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(), List.of()));
          }
          for (String name : rule.resourceNames()) {
            out.add(new PolicyRule(List.of(verb), List.of(group), List.of(resource), List.of(name), List.of()));
          }
        }
      }
      for (String url : rule.nonResourceURLs()) {
        out.add(PolicyRule.urls(List.of(verb), List.of(url)));
      }
    }
    return out;
  }

  /** Whether {@code held} covers the one-verb, one-resource (or one-URL) rule {@code piece}. */
  static boolean covers(PolicyRule held, PolicyRule piece) {
    String verb = piece.verbs().getFirst();
    if (!held.verbMatches(verb)) {
      return false;
    }
    if (!piece.nonResourceURLs().isEmpty()) {
      String url = piece.nonResourceURLs().getFirst();
      for (String h : held.nonResourceURLs()) {
        if (h.equals("*") || h.equals(url) || (h.endsWith("*") && url.startsWith(h.substring(0, h.length() - 1)))) {
          return true;
        }
      }
      return false;
    }
    if (!held.groupMatches(piece.apiGroups().getFirst())) {
      return false;
    }
    String resource = piece.resources().getFirst();
    boolean resourceCovered = held.resources().contains("*") || held.resources().contains(resource);
    int slash = resource.indexOf('/');
    if (!resourceCovered && slash > 0) {
      resourceCovered = held.resources().contains(resource.substring(0, slash) + "/*")
          || held.resources().contains("*" + resource.substring(slash));
    }
    if (!resourceCovered) {
      return false;
    }
    if (held.resourceNames().isEmpty()) {
      return true;
    }
    return !piece.resourceNames().isEmpty() && held.resourceNames().contains(piece.resourceNames().getFirst());
  }
}
