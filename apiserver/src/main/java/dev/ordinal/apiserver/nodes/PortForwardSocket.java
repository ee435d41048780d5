package dev.ordinal.apiserver.nodes;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdyStreamStatus;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kubectl port-forward} connection: SPDY/3.1 carried in WebSocket binary messages
 * ({@code SPDY/3.1+portforward.k8s.io}). For each local connection kubectl opens an error stream
 * and a data stream with the same {@code requestid} and {@code port}; the data stream is joined to
 * a {@link PodConnection} to the pod's IP and port, both ways, half-closes included.
 */
public final class PortForwardSocket implements Session.Listener.AutoDemanding {
  private static final Logger log = LoggerFactory.getLogger(PortForwardSocket.class);

  private final String podIp;
  private final Set<Integer> ports;
  private final SpdyFrames spdy = new SpdyFrames(this::sendMessage);
  private final Map<Integer, PodConnection> connections = new ConcurrentHashMap<>();
  private final Map<Integer, Integer> errorStreams = new ConcurrentHashMap<>();
  private Session session;

  PortForwardSocket(String podIp, Set<Integer> ports) {
    this.podIp = podIp;
    this.ports = ports;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    try {
      for (Object frame : spdy.decode(payload)) {
        handle(frame);
      }
      callback.succeed();
    } catch (RuntimeException e) {
      log.debug("port-forward: {}", e.toString());
      callback.fail(e);
    }
  }

  private void handle(Object frame) {
    switch (frame) {
      case SpdySynStreamFrame syn -> open(syn);
      case SpdyDataFrame data -> {
        try {
          toPod(data);
        } finally {
          data.release();
        }
      }
      case SpdyPingFrame ping -> send(new DefaultSpdyPingFrame(ping.id()));
      case SpdyRstStreamFrame rst -> {
        PodConnection pod = connections.remove(rst.streamId());
        if (pod != null) {
          pod.close();
        }
      }
      default -> { } // SETTINGS, WINDOW_UPDATE, GOAWAY: nothing to do
    }
  }

  private void open(SpdySynStreamFrame syn) {
    int stream = syn.streamId();
    String type = SpdyFrames.header(syn, "streamType");
    String portText = SpdyFrames.header(syn, "port");
    try {
      spdy.accept(syn);
    } catch (IOException e) {
      return; // the client is gone
    }
    if (type.equals("error")) {
      errorStreams.put(requestId(syn), stream);
      return;
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      fail(syn, stream, "invalid port \"" + portText + "\"");
      return;
    }
    if (!ports.isEmpty() && !ports.contains(port)) {
      fail(syn, stream, "port " + port + " was not requested");
      return;
    }
    PodConnection pod;
    try {
      pod = PodConnection.open(podIp, port);
    } catch (IOException e) {
      fail(syn, stream, "error forwarding port " + port + " to pod at " + podIp + ": " + e.getMessage());
      return;
    }
    connections.put(stream, pod);
    pod.copyTo("port-forward-" + port, new PodConnection.Sink() {
      @Override
      public void data(byte[] buf, int len) {
        send(new DefaultSpdyDataFrame(stream, Unpooled.copiedBuffer(buf, 0, len)));
      }

      @Override
      public void end(boolean eof) {
        if (eof) {
          send(new DefaultSpdyDataFrame(stream, Unpooled.EMPTY_BUFFER).setLast(true));
        }
        connections.remove(stream);
      }
    });
  }

  private void fail(SpdySynStreamFrame syn, int dataStream, String message) {
    Integer errorStream = errorStreams.get(requestId(syn));
    if (errorStream != null) {
      send(new DefaultSpdyDataFrame(errorStream, Unpooled.wrappedBuffer(message.getBytes(StandardCharsets.UTF_8))));
      send(new DefaultSpdyDataFrame(errorStream, Unpooled.EMPTY_BUFFER).setLast(true));
    }
    send(new DefaultSpdyRstStreamFrame(dataStream, SpdyStreamStatus.REFUSED_STREAM));
  }

  private void toPod(SpdyDataFrame data) {
    PodConnection pod = connections.get(data.streamId());
    if (pod == null) {
      return;
    }
    try {
      ByteBuf content = data.content();
      byte[] bytes = new byte[content.readableBytes()];
      content.readBytes(bytes);
      pod.write(bytes, 0, bytes.length);
      if (data.isLast()) {
        pod.shutdownOutput();
      }
    } catch (IOException e) {
      pod.close();
      connections.remove(data.streamId());
      send(new DefaultSpdyRstStreamFrame(data.streamId(), SpdyStreamStatus.CANCEL));
    }
  }

  /** Sends a frame; a client gone is left to the close that follows. */
  private void send(Object frame) {
    try {
      spdy.send(frame);
    } catch (IOException e) {
      log.debug("port-forward: client gone: {}", e.toString());
    }
  }

  /** A frame's bytes as one WebSocket message. */
  private void sendMessage(byte[] bytes) throws IOException {
    Callback.Completable sent = new Callback.Completable();
    session.sendBinary(ByteBuffer.wrap(bytes), sent);
    try {
      sent.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException(e.toString());
    }
  }

  private static int requestId(SpdySynStreamFrame syn) {
    try {
      return Integer.parseInt(SpdyFrames.header(syn, "requestID"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    connections.values().forEach(PodConnection::close);
    connections.clear();
    spdy.close();
  }
}
