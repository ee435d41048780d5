package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokens of projected {@code serviceAccountToken} sources, as kubelet's token manager keeps
 * them: asked of the TokenRequest API (bound to the pod), kept per pod, audience and lifetime, and
 * asked again once 80 % of the lifetime or 24 hours have passed — volumes are rewritten on every
 * sync, so a refreshed token reaches the running containers. Thread-safe.
 */
final class ProjectedTokens {
  static final Duration MAX_AGE = Duration.ofHours(24);

  private record Cached(String token, Instant issued, Instant expires) {}

  private final PodResources resources;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  ProjectedTokens(PodResources resources) {
    this.resources = resources;
  }

  /** Whether a token issued at {@code issued} that expires at {@code expires} should be replaced at {@code now}. */
  static boolean needsRefresh(Instant issued, Instant expires, Instant now) {
    if (!now.isBefore(expires)) {
      return true;
    }
    if (!now.isBefore(issued.plus(MAX_AGE))) {
      return true;
    }
    long lifetime = Duration.between(issued, expires).toMillis();
    return !now.isBefore(issued.plusMillis(lifetime * 8 / 10));
  }

  /** The token for a source of the pod: the kept one while fresh, else a new one. */
  String token(ObjectNode pod, String audience, long expirationSeconds, Instant now) throws ConfigError {
    String key = Meta.uid(pod) + "|" + audience + "|" + expirationSeconds;
    Cached kept = cache.get(key);
    if (kept != null && !needsRefresh(kept.issued(), kept.expires(), now)) {
      return kept.token();
    }
    String sa = pod.path("spec").path("serviceAccountName").asText("default");
    ObjectNode request = Json.object();
    request.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenRequest");
    ObjectNode spec = request.putObject("spec");
    if (!audience.isEmpty()) {
      spec.putArray("audiences").add(audience);
    }
    spec.put("expirationSeconds", expirationSeconds);
    spec.putObject("boundObjectRef").put("kind", "Pod").put("apiVersion", "v1").put("name", Meta.name(pod)).put("uid", Meta.uid(pod));
    try {
      ObjectNode answer = resources.requestToken(Meta.namespace(pod), sa, request);
      String token = answer.path("status").path("token").asText("");
      Instant expires = Instant.parse(answer.path("status").path("expirationTimestamp").asText());
      cache.put(key, new Cached(token, now, expires));
      return token;
    } catch (ApiException | UnsupportedOperationException | java.time.format.DateTimeParseException e) {
      if (kept != null && now.isBefore(kept.expires())) {
        return kept.token(); // the old one still works; try again at the next sync
      }
      throw new ConfigError("failed to fetch token: " + e.getMessage());
    }
  }

  void forget(String podUid) {
    cache.keySet().removeIf(k -> k.startsWith(podUid + "|"));
  }
}
