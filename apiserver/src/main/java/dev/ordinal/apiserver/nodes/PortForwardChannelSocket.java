package dev.ordinal.apiserver.nodes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One port-forward over WebSocket in the channel protocol ({@code v4.channel.k8s.io}, binary),
 * as kubelet serves it and the fabric8 client asks for it: the ports come in the query
 * ({@code ?ports=80&ports=8080}); port {@code i} has data channel {@code 2i} and error channel
 * {@code 2i+1}. The first message on each channel is the port number, two bytes little-endian;
 * after that every message is {@code [channel][payload]}. A port whose connection fails gets the
 * reason on its error channel; once every port's connection has ended the WebSocket is closed.
 */
public final class PortForwardChannelSocket implements Session.Listener.AutoDemanding {
  public static final String V4 = "v4.channel.k8s.io";
  private static final Logger log = LoggerFactory.getLogger(PortForwardChannelSocket.class);

  /** Which pod: its IP (where the ports are), and kubelet's name for it in messages. */
  record Target(String podIp, String podFullName, String podUid, List<Integer> ports) {}

  private final Target target;
  private final List<CompletableFuture<PodConnection>> connections;
  private final AtomicInteger open;
  // one message at a time: the pods' copies run on their own threads
  private final ReentrantLock sending = new ReentrantLock();
  private volatile Session session;

  PortForwardChannelSocket(Target target) {
    this.target = target;
    this.connections = target.ports().stream().map(p -> new CompletableFuture<PodConnection>()).toList();
    this.open = new AtomicInteger(target.ports().size());
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
    // connecting may take a while: not on the thread that delivers WebSocket events
    Thread.ofVirtual().name("port-forward-open").start(this::start);
  }

  private void start() {
    List<Integer> ports = target.ports();
    for (int i = 0; i < ports.size(); i++) {
      byte[] port = {(byte) (ports.get(i) & 0xff), (byte) ((ports.get(i) >> 8) & 0xff)};
      send(dataChannel(i), port, 2);
      send(dataChannel(i) + 1, port, 2);
    }
    for (int i = 0; i < ports.size(); i++) {
      int index = i;
      int port = ports.get(i);
      PodConnection pod;
      try {
        pod = PodConnection.open(target.podIp(), port);
      } catch (IOException e) {
        connections.get(i).completeExceptionally(e);
        byte[] msg = ("error forwarding port " + port + " to pod " + target.podFullName() + ", uid " + target.podUid()
            + ": " + e.getMessage()).getBytes(StandardCharsets.UTF_8);
        send(dataChannel(i) + 1, msg, msg.length);
        portDone();
        continue;
      }
      if (!connections.get(i).complete(pod)) {
        pod.close(); // the client left while it connected
        portDone();
        continue;
      }
      pod.copyTo("port-forward-" + port, new PodConnection.Sink() {
        @Override
        public void data(byte[] buf, int len) throws IOException {
          if (!send(dataChannel(index), buf, len)) {
            throw new IOException("the port-forward client is gone");
          }
        }

        @Override
        public void end(boolean eof) {
          portDone();
        }
      });
    }
  }

  private static int dataChannel(int portIndex) {
    return 2 * portIndex;
  }

  /** Kubelet closes the connection once every port's forward has returned. */
  private void portDone() {
    if (open.decrementAndGet() == 0) {
      Session s = session;
      if (s != null && s.isOpen()) {
        s.close(1000, "", Callback.NOOP);
      }
    }
  }

  /** Sends one channel message, waiting until it is written; false when the client is gone. */
  private boolean send(int channel, byte[] data, int len) {
    ByteBuffer frame = ByteBuffer.allocate(len + 1);
    frame.put((byte) channel).put(data, 0, len).flip();
    sending.lock();
    try {
      Callback.Completable sent = new Callback.Completable();
      session.sendBinary(frame, sent);
      sent.get(30, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      log.debug("port-forward: client gone: {}", e.toString());
      return false;
    } finally {
      sending.unlock();
    }
  }

  /** A message from the client: {@code [data channel][bytes]} for one of the ports. */
  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    try {
      if (payload.remaining() < 1) {
        callback.succeed();
        return;
      }
      int channel = payload.get() & 0xff;
      int index = channel / 2;
      if (channel % 2 != 0 || index >= connections.size()) {
        // only data channels carry the client's bytes
        callback.succeed();
        return;
      }
      PodConnection pod;
      try {
        // the connection is made just after the open; a client may write before it is up
        pod = connections.get(index).get(10, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        callback.succeed(); // refused: the error channel said so
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        callback.fail(e);
        return;
      }
      byte[] bytes = new byte[payload.remaining()];
      payload.get(bytes);
      try {
        pod.write(bytes, 0, bytes.length);
      } catch (IOException e) {
        pod.close(); // ends its copy, and so this port
      }
      callback.succeed();
    } catch (RuntimeException e) {
      log.debug("port-forward: {}", e.toString());
      callback.fail(e);
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    for (CompletableFuture<PodConnection> c : connections) {
      c.completeExceptionally(new IOException("closed"));
      if (c.isDone() && !c.isCompletedExceptionally()) {
        c.join().close();
      }
    }
  }
}
