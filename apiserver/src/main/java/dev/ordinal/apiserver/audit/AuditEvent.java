package dev.ordinal.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.UserInfo;
import dev.ordinal.apiserver.http.RequestInfo;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One {@code audit.k8s.io/v1} Event at level Metadata, as kube-apiserver's log backend writes it:
 * who (user, impersonated user, source addresses, user agent), what (verb, request URI, object
 * reference) and how it ended (response status), with microsecond timestamps. No request or
 * response bodies. Pure: {@link #of} reads an answered request, {@link #toJson} renders the line.
 *
 * @param stage {@code ResponseComplete}; {@code ResponseStarted} for a request refused by
 *     authentication, as upstream's failed-authentication audit records it
 * @param user null for a request no credential authenticated (rendered {@code {}}, as upstream)
 * @param impersonatedUser null unless the request impersonated someone
 * @param objectRef null for requests that address no resource (non-resource URLs)
 * @param responseStatus {@code {metadata, code}}, with status, message, reason and details when refused
 * @param annotations upstream's {@code authorization.k8s.io/decision} and {@code /reason} when the
 *     authorizer was asked; empty otherwise
 */
public record AuditEvent(String auditId, String stage, String requestUri, String verb, UserInfo user, UserInfo impersonatedUser,
    List<String> sourceIps, String userAgent, ObjectNode objectRef, ObjectNode responseStatus, Instant received,
    Instant stageTime, java.util.SequencedMap<String, String> annotations) {

  /** Kubernetes' MicroTime: RFC 3339 in UTC with exactly six fractional digits. */
  static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private static final Set<String> WRITES = Set.of("create", "update", "patch", "delete", "deletecollection");

  public AuditEvent {
    sourceIps = List.copyOf(sourceIps);
    annotations = java.util.Collections.unmodifiableSequencedMap(new java.util.LinkedHashMap<>(annotations));
  }

  /**
   * Whether a request goes to the audit log: every write, and every request refused for who made
   * it (401, 403), whatever its verb.
   */
  public static boolean isAudited(String verb, int code) {
    return WRITES.contains(verb) || code == 401 || code == 403;
  }

  /**
   * The Kubernetes verb of a request, as upstream's request-info resolver names it: for resources
   * get/list/watch (GET with a name, without, with {@code watch=true} or the {@code /watch/} path),
   * create (POST), update (PUT), patch, delete with a name and deletecollection without; for other
   * paths the lower-case method.
   */
  public static String verb(String method, RequestInfo info, String watchParam) {
    String m = method.toLowerCase(Locale.ROOT);
    if (info == null) {
      return m;
    }
    boolean named = info.name() != null;
    return switch (m) {
      case "get", "head" -> info.watchPath() || watchParam.equals("true") || watchParam.equals("1") ? "watch"
          : named ? "get" : "list";
      case "post" -> "create";
      case "put" -> "update";
      case "patch" -> "patch";
      case "delete" -> named ? "delete" : "deletecollection";
      default -> m;
    };
  }

  /**
   * The event of an answered request.
   *
   * @param received when the request arrived
   * @param now when it was answered (the stage's time)
   */
  public static AuditEvent of(AuditedRequest request, String auditId, Instant received, Instant now) {
    RequestInfo info = RequestInfo.parse(request.path());
    String verb = verb(request.method(), info, request.param("watch"));
    boolean unauthenticated = request.status() == 401;
    ObjectNode status = responseStatus(request, unauthenticated);
    UserInfo requester = request.requester();
    UserInfo acting = request.user();
    UserInfo impersonated = acting != null && !acting.equals(requester) ? acting : null;
    return new AuditEvent(auditId, unauthenticated ? "ResponseStarted" : "ResponseComplete", request.requestUri(), verb,
        unauthenticated ? null : requester, unauthenticated ? null : impersonated, sourceIps(request), request.header("User-Agent"),
        objectRef(info, request.requestObjectName()), status, received, now, annotations(request.authorization()));
  }

  /** What upstream's authorization filter adds to the event: the decision and the authorizer's reason. */
  static java.util.SequencedMap<String, String> annotations(dev.ordinal.apiserver.authz.Decision decision) {
    java.util.SequencedMap<String, String> a = new java.util.LinkedHashMap<>();
    if (decision != null) {
      a.put("authorization.k8s.io/decision", decision.allowed() ? "allow" : "forbid");
      a.put("authorization.k8s.io/reason", decision.allowed() ? decision.reason()
          : decision.evaluationError().isEmpty() ? "" : "RBAC: " + decision.evaluationError());
    }
    return a;
  }

  /**
   * upstream's {@code ObjectReference} from the request info: a namespace object's namespace is
   * itself; the name of a create comes from the body, as upstream's LogRequestObject fills it.
   */
  static ObjectNode objectRef(RequestInfo info, String bodyName) {
    if (info == null) {
      return null;
    }
    ObjectNode ref = Json.object();
    ref.put("resource", info.plural());
    String name = info.name() != null ? info.name() : bodyName;
    String namespace = info.namespace();
    if (namespace == null && info.group().isEmpty() && info.plural().equals("namespaces")) {
      namespace = name;
    }
    if (namespace != null && !namespace.isEmpty()) {
      ref.put("namespace", namespace);
    }
    if (name != null && !name.isEmpty()) {
      ref.put("name", name);
    }
    if (!info.group().isEmpty()) {
      ref.put("apiGroup", info.group());
    }
    ref.put("apiVersion", info.version());
    if (info.subresource() != null) {
      ref.put("subresource", info.subresource());
    }
    return ref;
  }

  private static ObjectNode responseStatus(AuditedRequest request, boolean unauthenticated) {
    ObjectNode status = Json.object();
    status.putObject("metadata");
    ObjectNode error = request.errorStatus();
    if (error != null) {
      // the bounded fields of the Status, as upstream copies them at level Metadata
      for (String field : List.of("status", "message", "reason", "details")) {
        JsonNode v = error.get(field);
        if (v != null && !v.isNull()) {
          status.set(field, v.deepCopy());
        }
      }
    }
    if (unauthenticated) {
      status.put("message", authenticationMethods(request));
    }
    status.put("code", request.status());
    return status;
  }

  /** upstream's message for a failed authentication: which credentials the request carried. */
  static String authenticationMethods(AuditedRequest request) {
    List<String> methods = new ArrayList<>();
    String authorization = request.header("Authorization");
    String auth = authorization == null ? "" : authorization.strip();
    if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      methods.add("basic");
    }
    String[] parts = auth.split(" ");
    if (parts.length > 1 && parts[0].equalsIgnoreCase("bearer")) {
      methods.add("bearer");
    }
    if (!request.param("access_token").isBlank()) {
      methods.add("access_token");
    }
    if (request.presentedCertificate()) {
      methods.add("x509");
    }
    return methods.isEmpty() ? "Authentication failed, no credentials provided"
        : "Authentication failed, attempted: " + String.join(", ", methods);
  }

  /**
   * upstream's SourceIPs: the {@code X-Forwarded-For} addresses, then {@code X-Real-Ip} unless
   * already among them, then the connection's remote address (the one the server saw itself)
   * unless it is the last already. Values that are not IP addresses are left out.
   */
  static List<String> sourceIps(AuditedRequest request) {
    List<String> ips = new ArrayList<>();
    String forwarded = request.header("X-Forwarded-For");
    if (forwarded != null) {
      for (String ip : forwarded.split(",")) {
        if (isIp(ip.strip())) {
          ips.add(ip.strip());
        }
      }
    }
    String real = request.header("X-Real-Ip");
    if (real != null && isIp(real.strip()) && !ips.contains(real.strip())) {
      ips.add(real.strip());
    }
    String remote = request.remoteAddress();
    if (remote != null && !remote.isEmpty() && (ips.isEmpty() || !ips.getLast().equals(remote))) {
      ips.add(remote);
    }
    return ips;
  }

  private static boolean isIp(String s) {
    return !s.isEmpty() && s.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");
  }

  /** The event as upstream's JSON line writes it (without the newline), fields in upstream's order. */
  public ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("kind", "Event").put("apiVersion", "audit.k8s.io/v1").put("level", "Metadata");
    o.put("auditID", auditId).put("stage", stage).put("requestURI", requestUri).put("verb", verb);
    o.set("user", user(user));
    if (impersonatedUser != null) {
      o.set("impersonatedUser", user(impersonatedUser));
    }
    sourceIps.forEach(o.putArray("sourceIPs")::add);
    if (userAgent != null && !userAgent.isEmpty()) {
      o.put("userAgent", userAgent);
    }
    if (objectRef != null) {
      o.set("objectRef", objectRef);
    }
    o.set("responseStatus", responseStatus);
    o.put("requestReceivedTimestamp", MICRO_TIME.format(received));
    o.put("stageTimestamp", MICRO_TIME.format(stageTime));
    if (!annotations.isEmpty()) {
      ObjectNode a = o.putObject("annotations");
      annotations.forEach(a::put);
    }
    return o;
  }

  private static ObjectNode user(UserInfo user) {
    ObjectNode u = Json.object();
    if (user == null) {
      return u;
    }
    u.put("username", user.username());
    if (!user.uid().isEmpty()) {
      u.put("uid", user.uid());
    }
    if (!user.groups().isEmpty()) {
      user.groups().forEach(u.putArray("groups")::add);
    }
    if (!user.extra().isEmpty()) {
      ObjectNode extra = u.putObject("extra");
      user.extra().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(e -> e.getValue().forEach(extra.putArray(e.getKey())::add));
    }
    return u;
  }
}
