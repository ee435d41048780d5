package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.apiserver.nodes.ExecTerminal;
import dev.ordinal.apiserver.nodes.PodAttach;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pods/attach over WebSocket ({@code v5.channel.k8s.io}) to a node whose {@link PodAttach} is a
 * fake: the streams asked for reach it, the terminal's size first, what it prints comes back on
 * stdout, the client closing stdin ends its input, and the session ends with Success.
 */
class PodAttachIT extends ApiServerTestBase {
  static final LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();

  /** Upper-cases what is typed until stdin ends; tells what it was given. */
  static final PodAttach FAKE = (podUid, container, stdin, stdout, stderr, terminal) -> {
    seen.add(container + " stdin=" + (stdin != null) + " stderr=" + (stderr != null) + " size=" + size(terminal));
    byte[] buf = new byte[1024];
    for (int n; (n = stdin.read(buf)) >= 0; ) {
      stdout.write(new String(buf, 0, n, StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }
    stdout.write("stdin closed".getBytes(StandardCharsets.UTF_8));
  };

  static String size(ExecTerminal t) {
    return t == null ? "none" : t.size().columns() + "x" + t.size().rows();
  }

  @BeforeAll
  static void pods() {
    api.server.nodes().serve(null, null, FAKE);
    pod("shell", "Running", true);
    pod("done", "Succeeded", true);
  }

  static void pod(String name, String phase, boolean tty) {
    Pod pod = api.client.pods().resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withNodeName("n1").addNewContainer().withName("sh").withImage("busybox").withStdin(true).withTty(tty)
        .endContainer().endSpec().build()).create();
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase).build());
    api.client.pods().resource(pod).updateStatus();
  }

  @Test
  void attachCarriesTheTerminalAndEndsWhenStdinCloses() throws Exception {
    LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws = connect("/api/v1/namespaces/default/pods/shell/attach?container=sh&stdin=true&stdout=true&tty=true",
        messages, closed).get(10, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("v5.channel.k8s.io");
    ws.sendBinary(ByteBuffer.wrap(concat((byte) 4, "{\"Width\":100,\"Height\":30}")), true).get(10, TimeUnit.SECONDS);
    assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("sh stdin=true stderr=false size=100x30");
    ws.sendBinary(ByteBuffer.wrap(concat((byte) 0, "echo hi\r")), true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(concat((byte) 1, "ECHO HI\r"));
    ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 255, 0}), true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(concat((byte) 1, "stdin closed"));
    assertThat(new String(messages.poll(10, TimeUnit.SECONDS), StandardCharsets.UTF_8)).startsWith("\u0003").contains("\"Success\"");
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void anAttachWithoutStreamsIsRefused() {
    assertThat(connect("/api/v1/namespaces/default/pods/shell/attach?container=sh", new LinkedBlockingQueue<>(), new CompletableFuture<>()))
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().withMessageContaining("400");
  }

  @Test
  void aCompletedPodCannotBeAttached() {
    assertThat(connect("/api/v1/namespaces/default/pods/done/attach?stdout=true", new LinkedBlockingQueue<>(), new CompletableFuture<>()))
        .failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause().withMessageContaining("400");
  }

  static CompletableFuture<WebSocket> connect(String path, LinkedBlockingQueue<byte[]> messages, CompletableFuture<Integer> closed) {
    return HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + TestApiServer.TOKEN).subprotocols("v5.channel.k8s.io")
        .buildAsync(URI.create(api.url().replace("http", "ws") + path), new WebSocket.Listener() {
          final ByteArrayOutputStream partial = new ByteArrayOutputStream();

          @Override
          public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partial.writeBytes(b);
            if (last) {
              messages.add(partial.toByteArray());
              partial.reset();
            }
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code);
            return null;
          }
        });
  }

  static byte[] concat(byte channel, String text) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length + 1];
    out[0] = channel;
    System.arraycopy(t, 0, out, 1, t.length);
    return out;
  }
}
