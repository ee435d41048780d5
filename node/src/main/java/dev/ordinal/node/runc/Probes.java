package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.node.runtime.ProbeResult;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Kubernetes' three probe handlers against a running container: a command run inside it (exit 0
 * passes), an HTTP GET to the pod's IP (2xx and 3xx pass), a TCP connection that opens. Each is
 * bounded by the probe's {@code timeoutSeconds}.
 */
final class Probes {
  private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(1)).build();

  private Probes() {}

  static ProbeResult run(JsonNode probe, JsonNode container, RuncContainer running, String podIp) {
    Duration timeout = Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asLong(1)));
    if (probe.has("exec")) {
      List<String> command = new ArrayList<>();
      probe.path("exec").path("command").forEach(c -> command.add(c.asText()));
      try {
        HostCommand.Result r = running.exec(command, timeout);
        // kubelet reports the command's output (stdout and stderr) as the failure's reason
        return r.ok() ? ProbeResult.PASSED : ProbeResult.failed((r.stdout() + r.stderr()).strip());
      } catch (IOException e) {
        return ProbeResult.failed(e.getMessage() != null && e.getMessage().contains("did not finish")
            ? "command \"" + String.join(" ", command) + "\" timed out" : String.valueOf(e.getMessage()));
      }
    }
    if (probe.has("httpGet")) {
      JsonNode get = probe.path("httpGet");
      String host = get.path("host").asText(podIp);
      String path = get.path("path").asText("/");
      int port = port(get.path("port"), container);
      URI uri = URI.create(get.path("scheme").asText("HTTP").toLowerCase() + "://" + host + ":" + port
          + (path.startsWith("/") ? path : "/" + path));
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "kube-probe/1.32");
      get.path("httpHeaders").forEach(h -> request.header(h.path("name").asText(), h.path("value").asText()));
      try {
        int status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        return status >= 200 && status < 400 ? ProbeResult.PASSED : ProbeResult.failed("HTTP probe failed with statuscode: " + status);
      } catch (IOException e) {
        return ProbeResult.failed("Get \"" + uri + "\": " + dialError(host, port, e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ProbeResult.failed("interrupted");
      }
    }
    if (probe.has("tcpSocket")) {
      JsonNode tcp = probe.path("tcpSocket");
      String host = tcp.path("host").asText(podIp);
      int port = port(tcp.path("port"), container);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        return ProbeResult.PASSED;
      } catch (IOException e) {
        return ProbeResult.failed(dialError(host, port, e));
      }
    }
    return ProbeResult.PASSED; // a probe with no handler (grpc is not served here) does not hold the pod back
  }

  /** A failed connection in Go's words, as kubelet's probe messages carry them. */
  private static String dialError(String host, int port, IOException e) {
    String dial = "dial tcp " + host + ":" + port + ": ";
    if (e instanceof java.net.ConnectException) {
      return dial + "connect: connection refused";
    }
    if (e instanceof java.net.SocketTimeoutException || e instanceof java.net.http.HttpTimeoutException) {
      return dial + "i/o timeout";
    }
    return String.valueOf(e.getMessage());
  }

  /** A port given by number or by the name of one of the container's ports. */
  static int port(JsonNode port, JsonNode container) {
    if (port.isNumber() || port.asText().matches("\\d+")) {
      return port.asInt();
    }
    for (JsonNode p : container.path("ports")) {
      if (p.path("name").asText().equals(port.asText())) {
        return p.path("containerPort").asInt();
      }
    }
    return -1;
  }
}
