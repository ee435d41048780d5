package dev.ordinal.apiserver.nodes;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SPDY/3.1 side of a session with kubectl's spdystream, whatever carries its bytes (WebSocket
 * messages for port-forward, the upgraded HTTP/1.1 connection itself for exec and attach): Netty's
 * frame codec driven by hand, bytes in and frames out, frames in and bytes out, one frame at a time
 * and in order.
 */
final class SpdyFrames {
  /** Where encoded frames go; it returns once they are sent (or the client is gone). */
  interface Transport {
    void send(byte[] bytes) throws IOException;
  }

  private final EmbeddedChannel codec = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  // guards the codec and keeps frames in order; a lock, not synchronized: sending waits for the
  // client, and the waiting thread may be virtual
  private final ReentrantLock lock = new ReentrantLock();
  private final Transport transport;

  SpdyFrames(Transport transport) {
    this.transport = transport;
  }

  /** The frames completed by these bytes (the codec keeps a partial frame for the next call). */
  List<Object> decode(ByteBuffer bytes) {
    lock.lock();
    try {
      // copied: the caller's buffer is reused once it returns
      codec.writeInbound(Unpooled.copiedBuffer(bytes));
      List<Object> frames = List.copyOf(codec.inboundMessages());
      codec.inboundMessages().clear();
      return frames;
    } finally {
      lock.unlock();
    }
  }

  /** Encodes a frame and sends its bytes. */
  void send(Object frame) throws IOException {
    lock.lock();
    try {
      codec.writeOutbound(frame);
      ByteBuf out = Unpooled.buffer();
      Object chunk;
      while ((chunk = codec.readOutbound()) != null) {
        ByteBuf b = (ByteBuf) chunk;
        out.writeBytes(b);
        b.release();
      }
      byte[] bytes = new byte[out.readableBytes()];
      out.readBytes(bytes);
      out.release();
      transport.send(bytes);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Accepts a stream the client opened. The reply echoes the stream's headers: Netty writes no
   * header block for an empty set, and spdystream requires one.
   */
  void accept(SpdySynStreamFrame syn) throws IOException {
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(syn.streamId());
    reply.headers().add(syn.headers());
    send(reply);
  }

  /** A header of a stream the client opened, as kubectl names it or lower-cased; "" when absent. */
  static String header(SpdySynStreamFrame syn, String name) {
    String v = syn.headers().getAsString(name);
    if (v == null) {
      v = syn.headers().getAsString(name.toLowerCase(java.util.Locale.ROOT));
    }
    return v == null ? "" : v;
  }

  void close() {
    lock.lock();
    try {
      codec.finishAndReleaseAll();
    } finally {
      lock.unlock();
    }
  }
}
