package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pods/portforward over WebSocket in kubelet's channel protocol ({@code v4.channel.k8s.io}), with
 * the fabric8 client's portForward and with a raw WebSocket, to a pod whose IP is the loopback
 * address and whose "port" is an echo server of the test.
 */
class PortForwardIT extends ApiServerTestBase {
  static ServerSocket echo;
  static final List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void podWithAnEchoServer() throws Exception {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      while (!echo.isClosed()) {
        try {
          Socket s = echo.accept();
          accepted.add(s);
          Thread.ofVirtual().start(() -> echoOn(s));
        } catch (IOException e) {
          return;
        }
      }
    });
    Pod pod = api.client.pods().resource(new PodBuilder().withNewMetadata().withName("echo").endMetadata()
        .withNewSpec().withNodeName("n1").addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
        .build()).create();
    pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase("Running").withPodIP("127.0.0.1").build());
    api.client.pods().resource(pod).updateStatus();
  }

  /** Echoes each line back upper-cased; "bye" closes the connection from the pod's side. */
  static void echoOn(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
        if (text.equals("bye")) {
          return;
        }
        out.write(text.toUpperCase(java.util.Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      }
    } catch (IOException e) {
      // the forward went away
    }
  }

  @AfterAll
  static void stopEcho() throws IOException {
    echo.close();
    for (Socket s : accepted) {
      s.close();
    }
  }

  static byte[] readExactly(InputStream in, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    assertThat(b).hasSize(n);
    return b;
  }

  @Test
  void fabric8PortForwardReachesThePodsPort() throws Exception {
    try (LocalPortForward forward = api.client.pods().withName("echo").portForward(echo.getLocalPort())) {
      // several connections through one forward, each its own WebSocket
      for (int round = 0; round < 3; round++) {
        try (Socket local = new Socket(InetAddress.getLoopbackAddress(), forward.getLocalPort())) {
          local.setSoTimeout(10_000);
          local.getOutputStream().write(("hello " + round).getBytes(StandardCharsets.UTF_8));
          assertThat(new String(readExactly(local.getInputStream(), 7), StandardCharsets.UTF_8)).isEqualTo("HELLO " + round);
          // a megabyte both ways, in order
          byte[] big = new byte[1024 * 1024];
          new Random(round).nextBytes(big);
          for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + (big[i] & 15));
          }
          Thread writer = Thread.ofVirtual().start(() -> {
            try {
              local.getOutputStream().write(big);
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
          byte[] back = readExactly(local.getInputStream(), big.length);
          writer.join();
          assertThat(new String(back, StandardCharsets.ISO_8859_1)).isEqualTo(new String(big, StandardCharsets.ISO_8859_1).toUpperCase());
          // the pod closes: the client's connection ends
          local.getOutputStream().write("bye".getBytes(StandardCharsets.UTF_8));
          assertThat(local.getInputStream().read()).isEqualTo(-1);
        }
      }
      assertThat(forward.getServerThrowables()).isEmpty();
    }
  }

  @Test
  void aPortNothingListensOnIsReportedOnItsErrorChannel() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (LocalPortForward forward = api.client.pods().withName("echo").portForward(closed)) {
      try (Socket local = new Socket(InetAddress.getLoopbackAddress(), forward.getLocalPort())) {
        local.setSoTimeout(10_000);
        assertThat(local.getInputStream().read()).isEqualTo(-1);
      }
      await().atMost(Duration.ofSeconds(10)).until(forward::errorOccurred);
      assertThat(forward.getServerThrowables().toString()).contains("error forwarding port " + closed + " to pod echo_default");
    }
  }

  /** The raw protocol: port prefixes on every channel, then [channel][payload]; closed once every port is done. */
  @Test
  void channelsCarryTwoPortsAsKubeletFramesThem() throws Exception {
    int port = echo.getLocalPort();
    LinkedBlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + TestApiServer.TOKEN).subprotocols("v4.channel.k8s.io")
        .buildAsync(URI.create(api.url().replace("http", "ws") + "/api/v1/namespaces/default/pods/echo/portforward?ports="
            + port + "&ports=" + port), new WebSocket.Listener() {
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
            }).get(10, TimeUnit.SECONDS);
    assertThat(ws.getSubprotocol()).isEqualTo("v4.channel.k8s.io");
    List<String> prefixes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      prefixes.add(java.util.HexFormat.of().formatHex(messages.poll(10, TimeUnit.SECONDS)));
    }
    String le = String.format("%02x%02x", port & 0xff, (port >> 8) & 0xff);
    assertThat(prefixes).containsExactlyInAnyOrder("00" + le, "01" + le, "02" + le, "03" + le);

    ws.sendBinary(ByteBuffer.wrap(concat((byte) 0, "first")), true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(concat((byte) 0, "FIRST"));
    ws.sendBinary(ByteBuffer.wrap(concat((byte) 2, "second")), true).get(10, TimeUnit.SECONDS);
    assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(concat((byte) 2, "SECOND"));

    ws.sendBinary(ByteBuffer.wrap(concat((byte) 0, "bye")), true).get(10, TimeUnit.SECONDS);
    ws.sendBinary(ByteBuffer.wrap(concat((byte) 2, "bye")), true).get(10, TimeUnit.SECONDS);
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1000);
  }

  @Test
  void aRequestWithoutPortsIsRefused() throws Exception {
    CompletableFuture<WebSocket> ws = HttpClient.newHttpClient().newWebSocketBuilder()
        .header("Authorization", "Bearer " + TestApiServer.TOKEN).subprotocols("v4.channel.k8s.io")
        .buildAsync(URI.create(api.url().replace("http", "ws") + "/api/v1/namespaces/default/pods/echo/portforward"),
            new WebSocket.Listener() {});
    assertThat(ws).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingRootCause()
        .withMessageContaining("400");
  }

  static byte[] concat(byte channel, String text) {
    byte[] t = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length + 1];
    out[0] = channel;
    System.arraycopy(t, 0, out, 1, t.length);
    return out;
  }
}
