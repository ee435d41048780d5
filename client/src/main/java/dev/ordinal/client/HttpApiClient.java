package dev.ordinal.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.ObjectList;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * The client of components in another process, such as a node agent on another host: the API over
 * HTTPS (the JDK's HTTP client), authenticated by the client certificate in {@code tls} or a bearer
 * token. Failures carry the API's Status as {@link ApiException}s, as {@link InProcessClient}'s do;
 * an unreachable server is a 503 ServiceUnavailable, so that callers retry as on any API error.
 *
 * <p>Given several servers (one cluster's API servers), it uses one until a connection to it
 * fails, then the next: a request that could not connect is sent again to the next server at once
 * (it never reached the first, so nothing is done twice); one that broke after connecting is
 * answered 503, and the caller's retry goes to the next server.
 */
public final class HttpApiClient implements Client {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
  private final List<URI> servers;
  private final java.util.concurrent.atomic.AtomicInteger current = new java.util.concurrent.atomic.AtomicInteger();
  private final HttpClient http;
  private final String bearer;

  /**
   * @param server {@code https://host:port}
   * @param tls trusts the cluster CA and, for certificate authentication, holds the client key
   * @param bearer a token to send, or null (the certificate authenticates)
   */
  public HttpApiClient(String server, SSLContext tls, String bearer) {
    this(List.of(server), tls, bearer);
  }

  /** @param servers {@code https://host:port} of each of the cluster's API servers, the first used first */
  public HttpApiClient(List<String> servers, SSLContext tls, String bearer) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no API server");
    }
    this.servers = servers.stream().map(s -> URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s)).toList();
    this.http = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(15))
        .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
    this.bearer = bearer;
  }

  private String path(ResourceType type, String namespace, String name) {
    StringBuilder b = new StringBuilder(type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version());
    if (type.namespaced() && namespace != null) {
      b.append("/namespaces/").append(namespace);
    }
    b.append('/').append(type.plural());
    if (name != null) {
      b.append('/').append(name);
    }
    return b.toString();
  }

  private static String query(ListOptions o, boolean watch) {
    List<String> q = new ArrayList<>();
    add(q, "labelSelector", o.labelSelector());
    add(q, "fieldSelector", o.fieldSelector());
    add(q, "resourceVersion", o.resourceVersion());
    if (o.limit() > 0) {
      q.add("limit=" + o.limit());
    }
    add(q, "continue", o.continueToken());
    if (watch) {
      q.add("watch=true");
      if (o.allowWatchBookmarks()) {
        q.add("allowWatchBookmarks=true");
      }
      if (o.timeoutSeconds() > 0) {
        q.add("timeoutSeconds=" + o.timeoutSeconds());
      }
    }
    return q.isEmpty() ? "" : "?" + String.join("&", q);
  }

  private static void add(List<String> q, String name, String value) {
    if (value != null && !value.isEmpty()) {
      q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(servers.get(current.get()) + pathAndQuery)).header("Accept", "application/json")
        .header("User-Agent", "ordinal-agent/v1.32.0");
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return b;
  }

  /** The server in use now. */
  public String server() {
    return servers.get(current.get()).toString();
  }

  /** Sends, moving on to the next server while connections fail; at most once to each. */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpRequest attempt = request;
    for (int tried = 1; ; tried++) {
      try {
        return http.send(attempt, handler);
      } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException e) {
        URI next = failOver(attempt.uri());
        if (tried >= servers.size()) {
          throw new ApiException(503, "ServiceUnavailable", "no API server is reachable: " + e, null);
        }
        URI u = attempt.uri();
        attempt = HttpRequest.newBuilder(attempt, (n, v) -> true)
            .uri(URI.create(next + u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery()))).build();
      } catch (IOException e) {
        failOver(attempt.uri());
        throw new ApiException(503, "ServiceUnavailable", "the API server is unreachable: " + e, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ApiException(503, "ServiceUnavailable", "interrupted", null);
      }
    }
  }

  /** After a failure at {@code failed}'s server: the next one (unless another request moved on already). */
  private URI failOver(URI failed) {
    int now = current.get();
    URI inUse = servers.get(now);
    if (servers.size() > 1 && inUse.getAuthority().equals(failed.getAuthority())) {
      current.compareAndSet(now, (now + 1) % servers.size());
    }
    return servers.get(current.get());
  }

  private ObjectNode send(HttpRequest request) {
    HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
    ObjectNode body = response.body().length == 0 ? Json.object() : parse(response.body());
    if (response.statusCode() >= 300) {
      throw failure(response.statusCode(), body);
    }
    return body;
  }

  private static ObjectNode parse(byte[] body) {
    try {
      return Json.parseObject(body);
    } catch (RuntimeException e) {
      return Json.object().put("message", new String(body, StandardCharsets.UTF_8));
    }
  }

  private static ApiException failure(int code, ObjectNode status) {
    JsonNode details = status.get("details");
    return new ApiException(code, status.path("reason").asText(""), status.path("message").asText("HTTP " + code),
        details instanceof ObjectNode d ? d : null);
  }

  private static HttpRequest.BodyPublisher json(JsonNode body) {
    return HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body));
  }

  @Override
  public ObjectNode get(ResourceType type, String namespace, String name) {
    return send(request(path(type, namespace, name)).timeout(REQUEST_TIMEOUT).GET().build());
  }

  @Override
  public ObjectList list(ResourceType type, String namespace, ListOptions options) {
    ObjectNode l = send(request(path(type, namespace, null) + query(options, false)).timeout(REQUEST_TIMEOUT).GET().build());
    List<ObjectNode> items = new ArrayList<>();
    for (JsonNode i : l.path("items")) {
      ObjectNode item = (ObjectNode) i;
      // a list's items carry no kind; components expect whole objects
      item.put("apiVersion", type.apiVersion()).put("kind", type.kind());
      items.add(item);
    }
    JsonNode meta = l.path("metadata");
    return new ObjectList(items, meta.path("resourceVersion").asText(""), meta.path("continue").asText(""),
        meta.has("remainingItemCount") ? meta.get("remainingItemCount").asLong() : null);
  }

  @Override
  public Watch watch(ResourceType type, String namespace, ListOptions options) {
    HttpRequest req = request(path(type, namespace, null) + query(options, true)).GET().build();
    HttpResponse<InputStream> response = exchange(req, HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() >= 300) {
      try (InputStream in = response.body()) {
        throw failure(response.statusCode(), parse(in.readAllBytes()));
      } catch (IOException e) {
        throw new ApiException(response.statusCode(), "", "watch refused", null);
      }
    }
    return new StreamWatch(type, response.body());
  }

  /** Events read off the response stream by a virtual thread (socket reads park it), handed over through a queue. */
  private static final class StreamWatch implements Watch {
    private static final Event END = new Event("END", null);
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final InputStream body;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ResourceType type;

    StreamWatch(ResourceType type, InputStream body) {
      this.type = type;
      this.body = body;
      Thread.ofVirtual().name("watch-" + type.plural()).start(this::read);
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          ObjectNode e = Json.parseObject(line.getBytes(StandardCharsets.UTF_8));
          JsonNode object = e.get("object");
          events.add(new Event(e.path("type").asText(), object instanceof ObjectNode o ? o : Json.object()));
        }
      } catch (IOException | RuntimeException e) {
        // the stream broke: the watch has ended
      }
      events.add(END);
    }

    @Override
    public Event next(long timeout, TimeUnit unit) throws InterruptedException {
      Event e = events.poll(timeout, unit);
      if (e == END) {
        events.add(END);
        throw new WatchClosedException("watch of " + type.qualifiedName() + " ended");
      }
      if (e != null && e.type().equals("ERROR")) {
        events.add(END);
        throw failure(e.object().path("code").asInt(500), e.object());
      }
      return e;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        try {
          body.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }
  }

  @Override
  public ObjectNode create(ResourceType type, String namespace, ObjectNode object) {
    return send(request(path(type, namespace, null)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .POST(json(object)).build());
  }

  @Override
  public ObjectNode update(ResourceType type, ObjectNode object) {
    String ns = object.path("metadata").path("namespace").asText(null);
    String name = object.path("metadata").path("name").asText();
    return send(request(path(type, ns, name)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json").PUT(json(object)).build());
  }

  @Override
  public ObjectNode updateStatus(ResourceType type, ObjectNode object) {
    String ns = object.path("metadata").path("namespace").asText(null);
    String name = object.path("metadata").path("name").asText();
    return send(request(path(type, ns, name) + "/status").timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .PUT(json(object)).build());
  }

  @Override
  public ObjectNode resize(ObjectNode pod) {
    String ns = pod.path("metadata").path("namespace").asText(null);
    String name = pod.path("metadata").path("name").asText();
    return send(request(path(Types.PODS, ns, name) + "/resize").timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .PUT(json(pod)).build());
  }

  @Override
  public ObjectNode patch(ResourceType type, String namespace, String name, String patchType, JsonNode patch) {
    return send(request(path(type, namespace, name)).timeout(REQUEST_TIMEOUT).header("Content-Type", patchType)
        .method("PATCH", json(patch)).build());
  }

  @Override
  public void bind(String namespace, String podName, String nodeName) {
    ObjectNode binding = Json.object().put("apiVersion", "v1").put("kind", "Binding");
    binding.putObject("metadata").put("name", podName).put("namespace", namespace);
    binding.putObject("target").put("apiVersion", "v1").put("kind", "Node").put("name", nodeName);
    send(request(path(Types.PODS, namespace, podName) + "/binding").timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .POST(json(binding)).build());
  }

  @Override
  public ObjectNode requestToken(String namespace, String serviceAccount, ObjectNode tokenRequest) {
    tokenRequest.put("apiVersion", "authentication.k8s.io/v1").put("kind", "TokenRequest");
    return send(request(path(Types.SERVICE_ACCOUNTS, namespace, serviceAccount) + "/token").timeout(REQUEST_TIMEOUT)
        .header("Content-Type", "application/json").POST(json(tokenRequest)).build());
  }

  @Override
  public ObjectNode delete(ResourceType type, String namespace, String name, DeleteOptions options) {
    ObjectNode body = Json.object().put("apiVersion", "v1").put("kind", "DeleteOptions");
    if (options.gracePeriodSeconds() != null) {
      body.put("gracePeriodSeconds", options.gracePeriodSeconds());
    }
    if (options.propagationPolicy() != null) {
      body.put("propagationPolicy", options.propagationPolicy());
    }
    if (options.preconditionUid() != null || options.preconditionResourceVersion() != null) {
      ObjectNode pre = body.putObject("preconditions");
      if (options.preconditionUid() != null) {
        pre.put("uid", options.preconditionUid());
      }
      if (options.preconditionResourceVersion() != null) {
        pre.put("resourceVersion", options.preconditionResourceVersion());
      }
    }
    if (options.dryRun()) {
      body.putArray("dryRun").add("All");
    }
    return send(request(path(type, namespace, name)).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
        .method("DELETE", json(body)).build());
  }
}
