package dev.ordinal.node.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Relays on loopback to a local echo server standing in for a Service's cluster IP. */
class RelayTest {
  @Test
  void tcpConnectionsAreCarriedBothWaysAndEachGetsItsOwnUpstream() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        while (true) {
          try {
            Socket s = echo.accept();
            Thread.ofVirtual().start(() -> {
              try (s) {
                // answers in upper case, then ends after the client half-closes
                byte[] all = s.getInputStream().readAllBytes();
                s.getOutputStream().write(new String(all, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
              } catch (Exception ignored) {
                // the test ended
              }
            });
          } catch (Exception e) {
            return;
          }
        }
      });
      try (Relay relay = Relay.open("TCP", "127.0.0.1", 0, (InetSocketAddress) echo.getLocalSocketAddress())) {
        for (String word : new String[] {"hello", "again"}) {
          try (Socket c = new Socket("127.0.0.1", relay.local().getPort())) {
            c.getOutputStream().write(word.getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertThat(new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(word.toUpperCase());
          }
        }
        int port = relay.local().getPort();
        relay.close();
        // closed: the port is free again
        try (ServerSocket again = new ServerSocket()) {
          again.setReuseAddress(true);
          again.bind(new InetSocketAddress("127.0.0.1", port));
        }
      }
    }
  }

  @Test
  void aConnectionToAServiceWithoutPodsIsClosed() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (Relay relay = Relay.open("TCP", "127.0.0.1", 0, new InetSocketAddress("127.0.0.1", dead));
        Socket c = new Socket("127.0.0.1", relay.local().getPort())) {
      c.setSoTimeout(5_000);
      InputStream in = c.getInputStream();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @Test
  void udpDatagramsGoToTheServiceAndRepliesBackToEachClient() throws Exception {
    try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      Thread.ofVirtual().start(() -> {
        byte[] buf = new byte[1500];
        while (true) {
          try {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            echo.receive(p);
            byte[] reply = ("re:" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
            echo.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
          } catch (Exception e) {
            return;
          }
        }
      });
      try (Relay relay = Relay.open("UDP", "127.0.0.1", 0, (InetSocketAddress) echo.getLocalSocketAddress());
          DatagramSocket a = new DatagramSocket(); DatagramSocket b = new DatagramSocket()) {
        a.setSoTimeout(5_000);
        b.setSoTimeout(5_000);
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", relay.local().getPort());
        for (int round = 0; round < 2; round++) {
          a.send(new DatagramPacket("a".getBytes(StandardCharsets.UTF_8), 1, to));
          b.send(new DatagramPacket("b".getBytes(StandardCharsets.UTF_8), 1, to));
          assertThat(receive(a)).isEqualTo("re:a");
          assertThat(receive(b)).isEqualTo("re:b");
        }
      }
    }
  }

  @Test
  void aTakenPortFailsToOpen() throws Exception {
    try (ServerSocket holder = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        DatagramSocket udpHolder = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      InetSocketAddress anywhere = new InetSocketAddress("127.0.0.1", 9);
      assertThatThrownBy(() -> Relay.open("TCP", "127.0.0.1", holder.getLocalPort(), anywhere)).isInstanceOf(BindException.class);
      assertThatThrownBy(() -> Relay.open("UDP", "127.0.0.1", udpHolder.getLocalPort(), anywhere)).isInstanceOf(java.net.SocketException.class);
    }
  }

  private static String receive(DatagramSocket s) throws Exception {
    byte[] buf = new byte[1500];
    DatagramPacket p = new DatagramPacket(buf, buf.length);
    s.receive(p);
    return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
  }

}
