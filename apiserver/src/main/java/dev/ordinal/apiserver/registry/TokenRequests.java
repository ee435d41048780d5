package dev.ordinal.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.FieldError;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.auth.ServiceAccountTokens;
import dev.ordinal.apiserver.errors.ApiException;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST serviceaccounts/NAME/token}: an {@code authentication.k8s.io/v1 TokenRequest} answered
 * with a bound token in its status, as {@code kubectl create token} and the node agent ask for them.
 * Upstream's rules: at least 10 minutes, at most 2^32 seconds (default an hour); the audiences
 * default to the API's; the bound object, a Pod or Secret of the namespace, must exist (with the
 * uid given, if any).
 */
public final class TokenRequests {
  static final long MIN_SECONDS = 600;
  static final long MAX_SECONDS = 1L << 32;

  private final Registry registry;
  private final ServiceAccountTokens tokens;

  TokenRequests(Registry registry, ServiceAccountTokens tokens) {
    this.registry = registry;
    this.tokens = tokens;
  }

  /**
   * @param request the TokenRequest body (its spec; metadata is echoed)
   * @return the TokenRequest with {@code status.token} and {@code status.expirationTimestamp}
   */
  public ObjectNode create(String namespace, String serviceAccount, ObjectNode request, boolean dryRun) {
    ResourceType saType = registry.catalog().byPlural("", "v1", "serviceaccounts").orElseThrow();
    ObjectNode sa = registry.find(saType, namespace, serviceAccount)
        .orElseThrow(() -> ApiException.notFound(saType, serviceAccount));
    JsonNode spec = request.path("spec");
    List<FieldError> errors = new ArrayList<>();
    long seconds = spec.path("expirationSeconds").isNull() || spec.path("expirationSeconds").isMissingNode() ? 3600
        : spec.path("expirationSeconds").asLong(-1);
    if (seconds < MIN_SECONDS) {
      errors.add(FieldError.invalid("spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes"));
    } else if (seconds > MAX_SECONDS) {
      errors.add(FieldError.invalid("spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds"));
    }
    List<String> audiences = new ArrayList<>();
    spec.path("audiences").forEach(a -> audiences.add(a.asText()));
    if (audiences.isEmpty()) {
      audiences.addAll(tokens.apiAudiences());
    }
    ObjectNode bound = null;
    JsonNode ref = spec.path("boundObjectRef");
    if (ref.isObject()) {
      String kind = ref.path("kind").asText("");
      String plural = switch (kind) {
        case "Pod" -> "pods";
        case "Secret" -> "secrets";
        default -> null;
      };
      if (plural == null) {
        errors.add(FieldError.notSupported("spec.boundObjectRef.kind", kind, List.of("Pod", "Secret")));
      } else {
        ResourceType t = registry.catalog().byPlural("", "v1", plural).orElseThrow();
        String name = ref.path("name").asText("");
        bound = registry.find(t, namespace, name).orElseThrow(() -> ApiException.notFound(t, name)).deepCopy();
        String uid = ref.path("uid").asText("");
        if (!uid.isEmpty() && !uid.equals(Meta.uid(bound))) {
          throw ApiException.conflict(t, name, "the UID in the bound object reference (" + uid
              + ") does not match the UID in record. The object might have been deleted and then recreated");
        }
        bound.put("kind", kind);
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(422, "Invalid", "TokenRequest.authentication.k8s.io \"" + serviceAccount + "\" is invalid: "
          + errors.stream().map(FieldError::message).reduce((a, b) -> a + ", " + b).orElse(""), null);
    }
    ObjectNode out = Json.object();
    out.put("kind", "TokenRequest").put("apiVersion", "authentication.k8s.io/v1");
    ObjectNode meta = out.putObject("metadata");
    meta.put("name", serviceAccount).put("namespace", namespace).put("creationTimestamp", Meta.now());
    ObjectNode outSpec = out.putObject("spec");
    audiences.forEach(outSpec.putArray("audiences")::add);
    outSpec.put("expirationSeconds", seconds);
    if (ref.isObject()) {
      outSpec.set("boundObjectRef", ref.deepCopy());
    }
    if (dryRun) {
      out.putObject("status").put("token", "").put("expirationTimestamp", "");
      return out;
    }
    ServiceAccountTokens.Issued issued = tokens.issue(sa, audiences, seconds, bound);
    out.putObject("status").put("token", issued.token())
        .put("expirationTimestamp", DateTimeFormatter.ISO_INSTANT.format(issued.expires().truncatedTo(ChronoUnit.SECONDS)));
    return out;
  }
}
