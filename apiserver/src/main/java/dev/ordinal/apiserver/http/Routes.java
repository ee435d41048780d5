package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.auth.Authenticator;
import dev.ordinal.apiserver.auth.ServiceAccountTokens;
import dev.ordinal.apiserver.authz.RbacAuthorizer;
import dev.ordinal.apiserver.discovery.Discovery;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.openapi.OpenApiV2;
import dev.ordinal.apiserver.openapi.OpenApiV3;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Maps a request path to what serves it. */
public final class Routes {
  private final Discovery discovery;
  private final OpenApiEndpoints openApi;
  private final ResourceEndpoints resources;
  private final BooleanSupplier ready;
  private final String serverAddress;
  private final ServiceAccountTokens tokens;
  private final Authenticator authenticator;
  private final RbacAuthorizer authorizer;
  private volatile dev.ordinal.apiserver.metrics.MetricsEndpoints metrics;

  /** Serves metrics.k8s.io from now on. */
  public void serveMetrics(dev.ordinal.apiserver.metrics.MetricsEndpoints metrics) {
    this.metrics = metrics;
  }

  public Routes(Discovery discovery, OpenApiV2 openApiV2, OpenApiV3 openApi, ResourceEndpoints resources, BooleanSupplier ready, String serverAddress,
      Authenticator authenticator, RbacAuthorizer authorizer) {
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.tokens = authenticator.serviceAccountTokens();
    this.discovery = discovery;
    this.openApi = new OpenApiEndpoints(openApiV2, openApi);
    this.resources = resources;
    this.ready = ready;
    this.serverAddress = serverAddress;
  }

  /**
   * Paths served without a credential: health and version as Kubernetes serves them to anyone, and
   * the OIDC discovery documents, so that others can verify ServiceAccount tokens (upstream binds
   * them to authenticated users only; the issue asks for them open, and they hold nothing secret).
   */
  boolean isPublic(String path) {
    return path.equals("/version") || path.startsWith("/healthz") || path.startsWith("/livez") || path.startsWith("/readyz")
        || path.equals(OPENID_CONFIGURATION) || path.equals(JWKS);
  }

  static final String OPENID_CONFIGURATION = "/.well-known/openid-configuration";
  static final String JWKS = "/openid/v1/jwks";

  void serve(Exchange ex) {
    String path = ex.path();
    List<String> parts = RequestInfo.split(path);
    if (path.startsWith("/healthz") || path.startsWith("/livez")) {
      ex.text(200, "ok");
      return;
    }
    if (path.startsWith("/readyz")) {
      if (ready.getAsBoolean()) {
        ex.text(200, "ok");
      } else {
        ex.text(503, "not ready");
      }
      return;
    }
    if (path.equals("/version")) {
      ex.json(200, version());
      return;
    }
    if (path.equals(OPENID_CONFIGURATION) && ex.method().equals("GET")) {
      ex.json(200, tokens.openIdConfiguration());
      return;
    }
    if (path.equals(JWKS) && ex.method().equals("GET")) {
      ex.json(200, tokens.key().jwks(), "application/jwk-set+json");
      return;
    }
    if (AuthenticationReviews.matches(parts) && ex.method().equals("POST")) {
      ex.json(201, AuthenticationReviews.review(parts.get(2), ex.user()));
      return;
    }
    if (AuthenticationReviews.matchesTokenReview(parts) && ex.method().equals("POST")) {
      ex.json(201, AuthenticationReviews.tokenReview(parts.get(2), ex.bodyObject(), authenticator));
      return;
    }
    String review = AuthorizationReviews.match(parts);
    if (review != null && ex.method().equals("POST")) {
      ex.json(201, AuthorizationReviews.review(review, parts, ex.bodyObject(), ex.user(), authorizer));
      return;
    }
    if (!parts.isEmpty() && parts.get(0).equals("openapi")) {
      openApi.serve(ex, parts);
      return;
    }
    if (serveDiscovery(ex, parts)) {
      return;
    }
    if (path.equals("/metrics") && (ex.method().equals("GET") || ex.method().equals("HEAD"))) {
      // who may read it is RBAC's question (nonResourceURLs /metrics, get), asked before routing
      ex.send(200, dev.ordinal.apiserver.prometheus.MetricRegistry.CONTENT_TYPE,
          dev.ordinal.apiserver.prometheus.MetricRegistry.API_SERVER.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    RequestInfo info = RequestInfo.parse(path);
    if (info == null) {
      throw ApiException.notFound("the server could not find the requested resource");
    }
    if (info.group().isEmpty() && info.plural().equals("nodes") && "proxy".equals(info.subresource()) && metrics != null) {
      // only a node agent's /metrics is proxied (what Prometheus scrapes kubelets through)
      if (!path.endsWith("/proxy/metrics") || !(ex.method().equals("GET") || ex.method().equals("HEAD"))) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
      ex.send(200, dev.ordinal.apiserver.prometheus.MetricRegistry.CONTENT_TYPE,
          metrics.nodeMetricsText(info.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return;
    }
    if (info.group().equals(dev.ordinal.apiserver.discovery.ServedElsewhere.METRICS.group()) && metrics != null) {
      ex.json(200, metrics.serve(ex.method(), info.version(), info.plural(), info.namespace(), info.name(), info.subresource(),
          ResourceEndpoints.listOptions(ex)));
      return;
    }
    resources.serve(ex, info);
  }

  private boolean serveDiscovery(Exchange ex, List<String> parts) {
    if (!ex.method().equals("GET")) {
      return false;
    }
    String aggregatedVersion = Negotiation.aggregatedDiscoveryVersion(ex.header("Accept"));
    boolean aggregated = aggregatedVersion != null;
    ObjectNode doc = null;
    if (parts.size() == 1 && parts.get(0).equals("api")) {
      doc = aggregated ? discovery.aggregated(true, aggregatedVersion) : discovery.coreVersions(serverAddress);
    } else if (parts.size() == 1 && parts.get(0).equals("apis")) {
      doc = aggregated ? discovery.aggregated(false, aggregatedVersion) : discovery.groups();
    } else if (parts.size() == 2 && parts.get(0).equals("api")) {
      doc = discovery.resources("", parts.get(1));
      if (doc == null) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
    } else if (parts.size() == 2 && parts.get(0).equals("apis")) {
      doc = discovery.group(parts.get(1));
      if (doc == null) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
    } else if (parts.size() == 3 && parts.get(0).equals("apis")) {
      doc = discovery.resources(parts.get(1), parts.get(2));
      if (doc == null) {
        throw ApiException.notFound("the server could not find the requested resource");
      }
    } else {
      return false;
    }
    boolean isAggregated = doc.path("kind").asText().equals("APIGroupDiscoveryList");
    ex.json(200, doc, isAggregated ? Discovery.aggregatedContentType(aggregatedVersion) : "application/json");
    return true;
  }

  static ObjectNode version() {
    ObjectNode v = Json.object();
    v.put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-ordinal." + BuildInfo.VERSION);
    v.put("gitCommit", BuildInfo.COMMIT).put("gitTreeState", "clean").put("buildDate", BuildInfo.DATE);
    v.put("goVersion", "java" + Runtime.version().feature()).put("compiler", "ordinal");
    v.put("platform", System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT) + "/"
        + (System.getProperty("os.arch").equals("amd64") ? "amd64" : System.getProperty("os.arch")));
    return v;
  }
}
