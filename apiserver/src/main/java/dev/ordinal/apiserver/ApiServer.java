package dev.ordinal.apiserver;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.audit.AuditLog;
import dev.ordinal.apiserver.audit.Auditor;
import dev.ordinal.apiserver.auth.Authenticator;
import dev.ordinal.apiserver.auth.ClientCertificates;
import dev.ordinal.apiserver.auth.RequestedClientCertificates;
import dev.ordinal.apiserver.auth.SigningKey;
import dev.ordinal.apiserver.discovery.Discovery;
import dev.ordinal.apiserver.nodes.ExecEndpoint;
import dev.ordinal.apiserver.nodes.NodeServices;
import dev.ordinal.apiserver.http.ApiHandler;
import dev.ordinal.apiserver.http.ErrorPages;
import dev.ordinal.apiserver.http.ResourceEndpoints;
import dev.ordinal.apiserver.http.Routes;
import dev.ordinal.apiserver.openapi.OpenApiV2;
import dev.ordinal.apiserver.openapi.OpenApiV3;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.storage.Storage;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Kubernetes API over HTTP: the registry (with its watch caches) behind Jetty. Requests run
 * on virtual threads, so a long watch costs a parked virtual thread, not a platform one.
 */
public final class ApiServer implements AutoCloseable {
  private final Registry registry;
  private final dev.ordinal.apiserver.crd.CrdController crds;
  private final Server jetty;
  private final ServerConnector connector;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final Tls tls;
  private final ClientCertificates clientCertificates;
  private final Auditor audit;
  private final OpenApiV3 openApi;
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ApiServer.class);

  /**
   * @param listen the address to bind (e.g. 127.0.0.1)
   * @param port the port, 0 for any free one
   * @param token the bearer token every request but health and version must carry
   * @param tls the serving key and certificate, or null for plain HTTP (tests)
   */
  private final NodeServices nodes = new NodeServices();

  public ApiServer(Storage storage, ResourceCatalog catalog, String listen, int port, String token, Tls tls) {
    this(storage, catalog, listen, port, token, tls, SigningKey.ephemeral());
  }

  /** @param signingKey what ServiceAccount tokens are signed with (kept in the data directory) */
  public ApiServer(Storage storage, ResourceCatalog catalog, String listen, int port, String token, Tls tls, SigningKey signingKey) {
    this.registry = new Registry(catalog, new dev.ordinal.apiserver.prometheus.TimedStorage(storage), signingKey);
    this.audit = registry.audit();
    this.crds = new dev.ordinal.apiserver.crd.CrdController(registry);
    QueuedThreadPool threads = new QueuedThreadPool();
    threads.setName("api");
    threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
    jetty = new Server(threads);
    this.tls = tls;
    this.clientCertificates = tls == null || tls.clientCa() == null ? null : new ClientCertificates(List.of(tls.clientCa()));
    connector = newConnector(listen, port);
    jetty.addConnector(connector);
    jetty.setErrorHandler(new ErrorPages());
    String address = listen + ":" + port;
    Authenticator authenticator = new Authenticator(token, registry.tokens(), clientCertificates);
    this.openApi = openApi(registry.catalog(), crds);
    // v2: the built-in types made on its first request, the custom resources added as CRDs change
    Routes routes = new Routes(new Discovery(registry.catalog()), new OpenApiV2(catalog, registry.catalog(), crds.schemas()), openApi, new ResourceEndpoints(registry, nodes),
        ready::get, address, authenticator, registry.authorizer());
    routes.serveMetrics(new dev.ordinal.apiserver.metrics.MetricsEndpoints(registry, nodes));
    jetty.setHandler(ExecEndpoint.wrap(jetty, registry, nodes, authenticator,
        new ApiHandler(authenticator, registry.authorizer(), routes, audit)));
  }

  private static OpenApiV3 openApi(ResourceCatalog catalog, dev.ordinal.apiserver.crd.CrdController crds) {
    OpenApiV3 v3 = new OpenApiV3(catalog);
    v3.addSource(new dev.ordinal.apiserver.openapi.CustomResourceDocuments(catalog, crds.schemas()));
    return v3;
  }

  private ServerConnector newConnector(String host, int port) {
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    ServerConnector c;
    if (tls == null) {
      c = new ServerConnector(jetty, new HttpConnectionFactory(http));
    } else {
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setSslContext(dev.ordinal.apiserver.pki.TlsContext.of(tls.key(), tls.chain(),
          clientCertificates == null ? null : new RequestedClientCertificates(clientCertificates)));
      // asked for, not required: tokens work without one, and a bad one is a 401, not a failed handshake
      ssl.setWantClientAuth(clientCertificates != null);
      HttpConfiguration https = new HttpConfiguration(http);
      SecureRequestCustomizer secure = new SecureRequestCustomizer();
      // clients reach us by IP address, which TLS sends no SNI name for
      secure.setSniHostCheck(false);
      https.addCustomizer(secure);
      c = new ServerConnector(jetty, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
    }
    c.setHost(host);
    c.setPort(port);
    // kubectl get -w holds its stream open indefinitely
    c.setIdleTimeout(0);
    return c;
  }

  /**
   * Serves the API on another address too, at the same port: the node's bridge address, where pods
   * reach {@code kubernetes.default.svc} (kube-proxy's rules send 10.96.0.1:443 there). The address
   * appears with the bridge (which the node brings up at its start), so binding is retried every
   * 200 ms until it works or the server stops, as the cluster DNS does.
   */
  public void alsoListenOn(String host) {
    Thread.ofVirtual().name("api-listen-" + host).start(() -> {
      while (jetty.isRunning() || jetty.isStarting()) {
        ServerConnector extra = newConnector(host, port());
        try {
          jetty.addConnector(extra);
          extra.start();
          log.info("API also served on {}:{}", host, port());
          return;
        } catch (Exception e) {
          jetty.removeConnector(extra);
          try {
            extra.stop();
          } catch (Exception ignored) {
            // never started
          }
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  /**
   * What the API serves TLS with: the serving key and its chain (the serving certificate first);
   * and the CA whose client certificates name users (null: none do).
   */
  public record Tls(java.security.PrivateKey key, List<X509Certificate> chain, X509Certificate clientCa) {
    public Tls {
      chain = List.copyOf(chain);
    }
  }

  /** Writes the audit log (every write, every request refused with 401 or 403) to {@code log}; closed with the server. */
  public void auditTo(AuditLog log) {
    audit.writeTo(log);
  }

  /** Loads the caches and starts listening. */
  public void start() throws Exception {
    registry.start();
    crds.start();
    jetty.start();
    ready.set(true);
  }

  /**
   * Generates the OpenAPI documents on a thread of their own, so the first client that asks finds
   * them ready; until then the first request makes them. Called once the start is over.
   */
  public void prepareOpenApi() {
    openApi.prepareInBackground();
  }

  public Registry registry() {
    return registry;
  }

  /**
   * Puts {@code handler} in front of the API, before authentication: for what must answer
   * without credentials or with its own (the join endpoint agents use). Call before {@link #start()}.
   */
  public void serveInFront(org.eclipse.jetty.server.Handler.Wrapper handler) {
    handler.setHandler(jetty.getHandler());
    jetty.setHandler(handler);
  }

  /** Where the node agent on this machine plugs in its logs and exec. */
  public NodeServices nodes() {
    return nodes;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return connector.getLocalPort();
  }

  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), port());
  }

  /** The HTTPS URL a client on this machine reaches the server at (loopback for a wildcard listen). */
  public String url() {
    String host = connector.getHost() == null ? "0.0.0.0" : connector.getHost();
    if (host.contains(":")) {
      host = "[" + host + "]";
    } else if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return "https://" + host + ":" + port();
  }

  @Override
  public void close() {
    ready.set(false);
    try {
      jetty.stop();
    } catch (Exception e) {
      // stopping is best effort; the process is going away
    }
    if (audit.log() != null) {
      audit.log().close();
    }
    crds.close();
    registry.close();
  }

  /** The custom resources' schemas being served (list types for server-side apply). */
  public dev.ordinal.api.schema.CustomSchemas customSchemas() {
    return crds.schemas();
  }
}
