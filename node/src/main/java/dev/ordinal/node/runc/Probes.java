package dev.ordinal.node.runc;

import com.fasterxml.jackson.databind.JsonNode;
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

  static boolean run(JsonNode probe, JsonNode container, RuncContainer running, String podIp) {
    Duration timeout = Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asLong(1)));
    try {
      if (probe.has("exec")) {
        List<String> command = new ArrayList<>();
        probe.path("exec").path("command").forEach(c -> command.add(c.asText()));
        return running.exec(command, timeout).ok();
      }
      if (probe.has("httpGet")) {
        JsonNode get = probe.path("httpGet");
        String host = get.path("host").asText(podIp);
        String path = get.path("path").asText("/");
        URI uri = URI.create(get.path("scheme").asText("HTTP").toLowerCase() + "://" + host + ":"
            + port(get.path("port"), container) + (path.startsWith("/") ? path : "/" + path));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "kube-probe/1.32");
        get.path("httpHeaders").forEach(h -> request.header(h.path("name").asText(), h.path("value").asText()));
        int status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        return status >= 200 && status < 400;
      }
      if (probe.has("tcpSocket")) {
        JsonNode tcp = probe.path("tcpSocket");
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(tcp.path("host").asText(podIp), port(tcp.path("port"), container)), (int) timeout.toMillis());
          return true;
        }
      }
      return true; // a probe with no handler (grpc is not served here) does not hold the pod back
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
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
