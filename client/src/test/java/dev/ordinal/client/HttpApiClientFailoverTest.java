package dev.ordinal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Several servers: a request that cannot connect goes to the next server at once, and that server stays in use. */
class HttpApiClientFailoverTest {
  private HttpServer live;
  private final AtomicInteger creates = new AtomicInteger();

  @BeforeEach
  void serve() throws Exception {
    live = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    live.createContext("/api/v1/namespaces/default/configmaps", exchange -> {
      if (exchange.getRequestMethod().equals("POST")) {
        creates.incrementAndGet();
      }
      byte[] body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    live.start();
  }

  @AfterEach
  void stop() {
    live.stop(0);
  }

  /** A loopback port nothing listens on. */
  private static String dead() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  private String liveUrl() {
    return "http://127.0.0.1:" + live.getAddress().getPort();
  }

  @Test
  void unreachableFirstServerIsSkippedAndTheNextStaysInUse() throws Exception {
    HttpApiClient client = new HttpApiClient(List.of(dead(), liveUrl()), SSLContext.getDefault(), null);
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "c");
    assertThat(client.create(Types.CONFIG_MAPS, "default", cm).path("metadata").path("name").asText()).isEqualTo("c");
    assertThat(creates.get()).isEqualTo(1); // sent once, to the server that could be reached
    assertThat(client.server()).isEqualTo(liveUrl());
    assertThat(client.get(Types.CONFIG_MAPS, "default", "c").path("kind").asText()).isEqualTo("ConfigMap");
  }

  @Test
  void noServerReachableIsServiceUnavailable() throws Exception {
    HttpApiClient client = new HttpApiClient(List.of(dead(), dead()), SSLContext.getDefault(), null);
    assertThatThrownBy(() -> client.get(Types.CONFIG_MAPS, "default", "c")).isInstanceOfSatisfying(ApiException.class,
        e -> assertThat(e.code()).isEqualTo(503));
  }
}
