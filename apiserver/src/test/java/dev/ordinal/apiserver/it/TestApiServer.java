package dev.ordinal.apiserver.it;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.ApiServer;
import dev.ordinal.storage.SqliteStorage;
import dev.ordinal.storage.Storage;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/** A real API server on a free loopback port over a real SQLite file, and clients for it. */
final class TestApiServer implements AutoCloseable {
  static final String TOKEN = "test-token";

  final Storage storage;
  final ApiServer server;
  final KubernetesClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  TestApiServer(Path dir) throws Exception {
    storage = SqliteStorage.open(dir.resolve("state.db"));
    server = new ApiServer(storage, ResourceCatalog.standard(), "127.0.0.1", 0, TOKEN, null);
    server.start();
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withOauthToken(TOKEN)
        .withNamespace("default")
        .withRequestRetryBackoffLimit(0)
        .build();
    client = new KubernetesClientBuilder().withConfig(config).build();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("default").endMetadata().build()).create();
  }

  String url() {
    return "http://127.0.0.1:" + server.port();
  }

  /** A raw request, for what the typed client cannot send (hostile input, exact headers). */
  HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    return sendWithAgent(method, path, contentType, body, null);
  }

  /** A raw request with a User-Agent (the manager of writes that name none). */
  HttpResponse<String> sendWithAgent(String method, String path, String contentType, String body, String userAgent)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", "Bearer " + TOKEN);
    if (userAgent != null) {
      b.header("User-Agent", userAgent);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException closedUnderfoot) {
      // the server closes connections after requests it refused unread; a pooled one may be gone
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /**
   * A raw request with a binary body (protobuf, garbage), sent with {@code Expect: 100-continue}:
   * the body leaves only once the server starts reading it, so a request refused unread is
   * answered without its body ever being sent.
   */
  HttpResponse<String> sendBytes(String method, String path, String contentType, byte[] body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", "Bearer " + TOKEN)
        .header("Content-Type", contentType).expectContinue(true)
        .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException closedUnderfoot) {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
  }

  HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).header("Authorization", "Bearer " + TOKEN);
    if (accept != null) {
      b.header("Accept", accept);
    }
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    client.close();
    server.close();
    storage.close();
  }
}
