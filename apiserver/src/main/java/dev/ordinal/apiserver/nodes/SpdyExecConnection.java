package dev.ordinal.apiserver.nodes;

import dev.ordinal.api.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kubectl exec} and {@code kubectl attach} as kubectl up to 1.29 speaks them (and every
 * client of client-go's SPDY executor): the HTTP/1.1 connection upgraded to SPDY/3.1 with
 * {@code v4.channel.k8s.io}. The client opens a stream per channel, named by its
 * {@code streamType} header — error, and as asked stdin, stdout, stderr, resize; once all are
 * there the session runs as the WebSocket one does ({@link ExecSocket.Target}), the output ends
 * with FIN on its streams and the error stream carries the v4 Status (the exit code), then the
 * connection closes, as kubelet's does.
 */
final class SpdyExecConnection extends AbstractConnection {
  private static final Logger log = LoggerFactory.getLogger(SpdyExecConnection.class);

  /** kubelet's streaming connections idle out after 4 h (streamingConnectionIdleTimeout). */
  static final long IDLE_MILLIS = TimeUnit.HOURS.toMillis(4);

  private final ExecSocket.Target target;
  private final SpdyFrames spdy = new SpdyFrames(this::write);
  private final Map<String, Integer> streams = new ConcurrentHashMap<>();
  private final StdinPipe stdin = new StdinPipe();
  private final ExecTerminal terminal = new ExecTerminal(new PodExec.TerminalSize(80, 24));
  private final CountDownLatch sized = new CountDownLatch(1);
  private final ByteArrayOutputStream resizes = new ByteArrayOutputStream();
  private final ByteBuffer input = BufferUtil.allocate(16 * 1024);
  private volatile Thread runner;

  SpdyExecConnection(EndPoint endPoint, Executor executor, ExecSocket.Target target) {
    super(endPoint, executor);
    this.target = target;
  }

  @Override
  public void onOpen() {
    super.onOpen();
    getEndPoint().setIdleTimeout(IDLE_MILLIS);
    fillInterested();
  }

  @Override
  public void onFillable() {
    try {
      while (true) {
        BufferUtil.clear(input);
        int n = getEndPoint().fill(input);
        if (n < 0) {
          getEndPoint().close();
          return;
        }
        if (n == 0) {
          fillInterested();
          return;
        }
        for (Object frame : spdy.decode(input)) {
          handle(frame);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("spdy exec: {}", e.toString());
      getEndPoint().close(e);
    }
  }

  private void handle(Object frame) throws IOException {
    switch (frame) {
      case SpdySynStreamFrame syn -> {
        spdy.accept(syn);
        streams.put(SpdyFrames.header(syn, "streamType"), syn.streamId());
        if (runner == null && streams.keySet().containsAll(expected())) {
          runner = Thread.ofVirtual().name("spdy-exec-" + target.name()).start(this::run);
        }
      }
      case SpdyDataFrame data -> {
        try {
          received(data);
        } finally {
          data.release();
        }
      }
      case SpdyPingFrame ping -> spdy.send(new DefaultSpdyPingFrame(ping.id()));
      case SpdyRstStreamFrame rst -> {
        if (Integer.valueOf(rst.streamId()).equals(streams.get("stdin"))) {
          stdin.close(false);
        }
      }
      case SpdyGoAwayFrame away -> clientGone();
      default -> { } // SETTINGS, WINDOW_UPDATE: nothing to do
    }
  }

  /** The streams kubelet waits for before it starts: error, and one per channel asked for. */
  private java.util.Set<String> expected() {
    java.util.Set<String> out = new java.util.HashSet<>(java.util.List.of("error"));
    if (target.stdin()) {
      out.add("stdin");
    }
    if (target.stdout()) {
      out.add("stdout");
    }
    if (target.stderr()) {
      out.add("stderr");
    }
    if (target.tty()) {
      out.add("resize");
    }
    return out;
  }

  private void received(SpdyDataFrame data) {
    ByteBuf content = data.content();
    byte[] bytes = new byte[content.readableBytes()];
    content.readBytes(bytes);
    Integer stream = data.streamId();
    if (stream.equals(streams.get("stdin"))) {
      stdin.write(bytes);
      if (data.isLast()) {
        stdin.close(true);
      }
    } else if (stream.equals(streams.get("resize"))) {
      resized(bytes);
    }
  }

  /** The resize stream carries JSON sizes one after another ({"Width":80,"Height":24}), split anywhere. */
  private void resized(byte[] bytes) {
    resizes.write(bytes, 0, bytes.length);
    String text = resizes.toString(java.nio.charset.StandardCharsets.UTF_8);
    int end;
    while ((end = text.indexOf('}')) >= 0) {
      try {
        var s = Json.MAPPER.readTree(text.substring(0, end + 1));
        int width = s.path("Width").asInt(0);
        int height = s.path("Height").asInt(0);
        if (width > 0 && height > 0) {
          terminal.resize(new PodExec.TerminalSize(width, height));
        }
      } catch (IOException e) {
        // not a size: skipped
      }
      sized.countDown();
      text = text.substring(end + 1);
    }
    resizes.reset();
    resizes.writeBytes(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private void run() {
    int code = -1;
    String failure = null;
    try {
      if (target.tty()) {
        // kubectl sends the terminal's size first; a command started before it would see 0x0
        sized.await(2, TimeUnit.SECONDS);
      }
      code = target.streams().run(target.stdin() ? stdin : null, target.stdout() ? stream("stdout") : null,
          target.stderr() ? stream("stderr") : null, target.tty() ? terminal : null);
    } catch (IOException e) {
      failure = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    }
    try {
      for (String out : java.util.List.of("stdout", "stderr")) {
        Integer id = streams.get(out);
        if (id != null) {
          spdy.send(new DefaultSpdyDataFrame(id, Unpooled.EMPTY_BUFFER).setLast(true));
        }
      }
      int error = streams.get("error");
      spdy.send(new DefaultSpdyDataFrame(error, Unpooled.wrappedBuffer(Json.bytes(ExecChannels.status(code, failure)))));
      spdy.send(new DefaultSpdyDataFrame(error, Unpooled.EMPTY_BUFFER).setLast(true));
      spdy.send(new DefaultSpdyGoAwayFrame(0));
    } catch (IOException e) {
      log.debug("spdy exec: client gone before the status: {}", e.getMessage());
    }
    getEndPoint().shutdownOutput();
  }

  private OutputStream stream(String type) {
    int id = streams.get(type);
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        spdy.send(new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(b, off, len)));
      }
    };
  }

  /** Writes a frame's bytes to the connection, returning once they are written. */
  private void write(byte[] bytes) throws IOException {
    FutureCallback written = new FutureCallback();
    getEndPoint().write(written, ByteBuffer.wrap(bytes));
    try {
      written.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("writing to the exec client failed: " + e);
    }
  }

  private void clientGone() {
    stdin.close(false);
    Thread r = runner;
    if (target.endsWithClient() && r != null) {
      r.interrupt();
    }
  }

  @Override
  public void onClose(Throwable cause) {
    clientGone();
    spdy.close();
    super.onClose(cause);
  }
}
