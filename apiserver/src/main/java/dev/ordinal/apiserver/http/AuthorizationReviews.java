package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.authz.Attributes;
import dev.ordinal.apiserver.authz.Decision;
import dev.ordinal.apiserver.authz.PolicyRule;
import dev.ordinal.apiserver.authz.RbacAuthorizer;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The authorization.k8s.io/v1 reviews, answered from the same authorizer as requests:
 * SelfSubjectAccessReview ({@code kubectl auth can-i}), SubjectAccessReview (for another user, as
 * webhooks and proxies ask), LocalSubjectAccessReview (the same within one namespace) and
 * SelfSubjectRulesReview ({@code kubectl auth can-i --list}). Nothing is stored; the request's
 * object comes back with its status filled in.
 */
final class AuthorizationReviews {
  static final String GROUP = "authorization.k8s.io";

  private AuthorizationReviews() {}

  /** The review kind a POST path names, or null: selfsubjectaccessreviews, …, or namespaced localsubjectaccessreviews. */
  static String match(List<String> parts) {
    if (parts.size() == 4 && parts.get(0).equals("apis") && parts.get(1).equals(GROUP) && parts.get(2).equals("v1")
        && List.of("selfsubjectaccessreviews", "subjectaccessreviews", "selfsubjectrulesreviews").contains(parts.get(3))) {
      return parts.get(3);
    }
    if (parts.size() == 6 && parts.get(0).equals("apis") && parts.get(1).equals(GROUP) && parts.get(2).equals("v1")
        && parts.get(3).equals("namespaces") && parts.get(5).equals("localsubjectaccessreviews")) {
      return parts.get(5);
    }
    return null;
  }

  static ObjectNode review(String plural, List<String> parts, ObjectNode body, UserInfo requester, RbacAuthorizer authorizer) {
    ObjectNode out = body.deepCopy();
    out.put("apiVersion", GROUP + "/v1");
    out.with("metadata").put("creationTimestamp", Meta.now());
    out.remove("status");
    ObjectNode spec = out.with("spec");
    switch (plural) {
      case "selfsubjectrulesreviews" -> {
        out.put("kind", "SelfSubjectRulesReview");
        out.set("status", rules(requester, spec.path("namespace").asText(""), authorizer));
        return out;
      }
      case "selfsubjectaccessreviews" -> {
        out.put("kind", "SelfSubjectAccessReview");
        out.set("status", status(authorizer.authorize(attributes(spec, requester, "SelfSubjectAccessReview"))));
        return out;
      }
      case "subjectaccessreviews", "localsubjectaccessreviews" -> {
        boolean local = plural.equals("localsubjectaccessreviews");
        String kind = local ? "LocalSubjectAccessReview" : "SubjectAccessReview";
        out.put("kind", kind);
        List<String> groups = new ArrayList<>();
        spec.path("groups").forEach(g -> groups.add(g.asText()));
        String user = spec.path("user").asText("");
        if (user.isEmpty() && groups.isEmpty()) {
          throw invalid(kind, List.of(FieldError.invalid("spec.user", "", "at least one of user or group must be specified")));
        }
        if (local) {
          String ns = parts.get(4);
          ObjectNode ra = (ObjectNode) spec.path("resourceAttributes");
          if (spec.has("resourceAttributes")) {
            if (ra.path("namespace").asText("").isEmpty()) {
              ra.put("namespace", ns);
            } else if (!ra.path("namespace").asText().equals(ns)) {
              throw invalid(kind, List.of(FieldError.invalid("spec.resourceAttributes.namespace",
                  ra.path("namespace").asText(), "must match metadata.namespace")));
            }
          }
          out.with("metadata").put("namespace", ns);
        }
        Map<String, List<String>> extra = new LinkedHashMap<>();
        spec.path("extra").properties().forEach(e -> {
          List<String> values = new ArrayList<>();
          e.getValue().forEach(v -> values.add(v.asText()));
          extra.put(e.getKey(), values);
        });
        UserInfo subject = new UserInfo(user, spec.path("uid").asText(""), groups, extra);
        out.set("status", status(authorizer.authorize(attributes(spec, subject, kind))));
        return out;
      }
      default -> throw ApiException.notFound("the server could not find the requested resource");
    }
  }

  private static Attributes attributes(ObjectNode spec, UserInfo user, String kind) {
    boolean resource = spec.has("resourceAttributes") && spec.get("resourceAttributes").isObject();
    boolean path = spec.has("nonResourceAttributes") && spec.get("nonResourceAttributes").isObject();
    if (resource == path) {
      throw invalid(kind, List.of(FieldError.invalid("spec.resourceAttributes", "",
          "exactly one of nonResourceAttributes or resourceAttributes must be specified")));
    }
    if (path) {
      JsonNode n = spec.get("nonResourceAttributes");
      return Attributes.path(user, n.path("verb").asText(""), n.path("path").asText(""));
    }
    JsonNode r = spec.get("resourceAttributes");
    return Attributes.resource(user, r.path("verb").asText(""), r.path("group").asText(""), r.path("resource").asText(""),
        r.path("subresource").asText(""), r.path("namespace").asText(""), r.path("name").asText(""));
  }

  private static ObjectNode status(Decision d) {
    ObjectNode s = dev.ordinal.api.Json.object();
    s.put("allowed", d.allowed());
    if (!d.reason().isEmpty()) {
      s.put("reason", d.reason());
    }
    if (!d.evaluationError().isEmpty()) {
      s.put("evaluationError", d.evaluationError());
    }
    return s;
  }

  private static ObjectNode rules(UserInfo user, String namespace, RbacAuthorizer authorizer) {
    Set<String> errors = new LinkedHashSet<>();
    List<PolicyRule> rules = authorizer.rulesFor(user, namespace, errors);
    ObjectNode s = dev.ordinal.api.Json.object();
    ArrayNode resources = s.putArray("resourceRules");
    ArrayNode urls = s.putArray("nonResourceRules");
    for (PolicyRule r : rules) {
      if (!r.nonResourceURLs().isEmpty()) {
        ObjectNode o = urls.addObject();
        r.verbs().forEach(o.putArray("verbs")::add);
        r.nonResourceURLs().forEach(o.putArray("nonResourceURLs")::add);
      } else {
        ObjectNode o = resources.addObject();
        r.verbs().forEach(o.putArray("verbs")::add);
        r.apiGroups().forEach(o.putArray("apiGroups")::add);
        r.resources().forEach(o.putArray("resources")::add);
        if (!r.resourceNames().isEmpty()) {
          r.resourceNames().forEach(o.putArray("resourceNames")::add);
        }
      }
    }
    s.put("incomplete", false);
    if (!errors.isEmpty()) {
      s.put("evaluationError", String.join(", ", errors));
    }
    return s;
  }

  private static ApiException invalid(String kind, List<FieldError> errors) {
    return ApiException.invalid(new dev.ordinal.api.ResourceType(GROUP, "v1", kind.toLowerCase(java.util.Locale.ROOT) + "s",
        kind.toLowerCase(java.util.Locale.ROOT), kind, false, List.of(), List.of(), Set.of(), null), "", errors);
  }
}
