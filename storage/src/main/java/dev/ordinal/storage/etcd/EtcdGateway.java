package dev.ordinal.storage.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.storage.StorageException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Unary calls to etcd's v3 JSON gateway ({@code POST /v3/kv/range}, {@code /v3/kv/txn}, …) over
 * the JDK's HTTP client, with fail-over between endpoints.
 *
 * <p>A call is retried on another endpoint only when it cannot have been applied: the connection
 * was refused or not made, or etcd answered that it has no leader (the request never reached
 * raft). A call that timed out after being sent is not retried (a compare-and-swap might then
 * report a conflict with its own write); the caller sees the failure.
 */
final class EtcdGateway implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RETRY_FOR = Duration.ofSeconds(10);

  private final List<URI> endpoints;
  private final HttpClient http;
  private final SSLContext ssl;
  private final AtomicInteger preferred = new AtomicInteger();

  EtcdGateway(EtcdConfig config) {
    this.endpoints = config.endpoints();
    try {
      this.ssl = config.usesTls() ? config.sslContext() : null;
    } catch (Exception e) {
      throw new StorageException("cannot set up TLS for etcd: " + e.getMessage(), e);
    }
    HttpClient.Builder b = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2));
    if (ssl != null) {
      b.sslContext(ssl);
    }
    this.http = b.build();
  }

  List<URI> endpoints() {
    return endpoints;
  }

  SSLContext ssl() {
    return ssl;
  }

  /** The endpoint to try first: the last one that answered. */
  int preferredIndex() {
    return preferred.get();
  }

  /** POSTs {@code body} to {@code path} and returns the answer, or throws the mapped error. */
  JsonNode call(String path, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    long deadline = System.nanoTime() + RETRY_FOR.toNanos();
    StorageException last = null;
    int attempt = 0;
    while (true) {
      int index = Math.floorMod(preferred.get() + attempt, endpoints.size());
      URI endpoint = endpoints.get(index);
      try {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
            .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode answer = JSON.readTree(response.body());
        if (answer.has("error") || answer.has("code") && response.statusCode() != 200) {
          EtcdError error = EtcdError.of(answer);
          if (!error.retryable()) {
            throw error.toException(path);
          }
          last = error.toException(path);
        } else {
          preferred.set(index);
          return answer;
        }
      } catch (ConnectException | HttpConnectTimeoutException e) {
        last = new StorageException("etcd " + endpoint + " is unreachable: " + e, e);
      } catch (IOException e) {
        if (e.getMessage() != null && e.getMessage().contains("Connection refused")) {
          last = new StorageException("etcd " + endpoint + " is unreachable: " + e, e);
        } else {
          throw new StorageException("etcd " + endpoint + path + " failed: " + e, e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StorageException("interrupted calling etcd " + path, e);
      }
      attempt++;
      if (System.nanoTime() > deadline) {
        throw last;
      }
      if (attempt % endpoints.size() == 0) {
        // every endpoint failed once: wait a little (an election takes about a second)
        try {
          Thread.sleep(Math.min(500, 50L * attempt));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw last;
        }
      }
    }
  }

  @Override
  public void close() {
    http.close();
  }

  static String b64(String key) {
    return Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] value) {
    return Base64.getEncoder().encodeToString(value);
  }

  static byte[] bytes(JsonNode b64) {
    return b64 == null || b64.isNull() ? new byte[0] : Base64.getDecoder().decode(b64.asText());
  }

  static String text(JsonNode b64) {
    return new String(bytes(b64), StandardCharsets.UTF_8);
  }

  /** The revision in a response's header (etcd sends int64 as JSON strings; zero is left out). */
  static long revision(JsonNode answer) {
    return answer.path("header").path("revision").asLong(0);
  }

  /** An error as the gateway reports it: {@code {"error": …, "message": …, "code": grpcCode}}. */
  record EtcdError(int code, String message) {
    static final int OUT_OF_RANGE = 11;
    static final int UNAVAILABLE = 14;

    static EtcdError of(JsonNode answer) {
      String message = answer.path("message").asText(answer.path("error").asText(""));
      return new EtcdError(answer.path("code").asInt(2), message);
    }

    boolean compacted() {
      return message.contains("required revision has been compacted");
    }

    boolean futureRevision() {
      return message.contains("required revision is a future revision");
    }

    /** Refused before raft: safe to send again. */
    boolean retryable() {
      return code == UNAVAILABLE && (message.contains("no leader") || message.contains("leader changed")
          || message.contains("not capable") || message.contains("not started"));
    }

    StorageException toException(String path) {
      return new EtcdException(code, "etcd " + path + ": " + message);
    }
  }

  /** An error etcd answered, with its gRPC code. */
  static final class EtcdException extends StorageException {
    final int code;

    EtcdException(int code, String message) {
      super(message);
      this.code = code;
    }
  }
}
