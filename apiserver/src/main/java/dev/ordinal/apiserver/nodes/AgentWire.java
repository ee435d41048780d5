package dev.ordinal.apiserver.nodes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The wire between the API server and a node agent on another host (kubelet's API upstream): over
 * one mutually authenticated TLS connection per request, the API server sends a JSON line saying
 * what it wants ({@code logs}, {@code exec} or {@code attach} of a pod's container), then both sides
 * send frames: one channel byte, a 4-byte length, the bytes. A session is one connection, so there
 * is no multiplexing to get wrong; exec and attach are long-lived and few.
 */
public final class AgentWire {
  /** The port agents serve this on, kubelet's. */
  public static final int PORT = 10250;
  /** The common name of the API server's certificate for agents (upstream's kube-apiserver-kubelet-client). */
  public static final String API_SERVER_CLIENT = "kube-apiserver-kubelet-client";

  /** server → agent: what the client types. */
  public static final int STDIN = 0;
  /** agent → server: the command's output. */
  public static final int STDOUT = 1;
  public static final int STDERR = 2;
  /** server → agent: the terminal's new size, {"columns":c,"rows":r}. */
  public static final int RESIZE = 3;
  /** agent → server, last: {"exit":n} or {"error":"…"}. */
  public static final int RESULT = 4;
  /** server → agent: the client closed its stdin. */
  public static final int STDIN_END = 5;
  /** agent → server: CRI log lines, newline-separated. */
  public static final int LOG_LINES = 6;
  /** agent → server: every line written so far has been sent (a follow goes on after it). */
  public static final int LOG_CAUGHT_UP = 7;
  private static final int MAX_FRAME = 16 * 1024 * 1024;

  private AgentWire() {}

  /** One frame read. */
  public record Frame(int channel, byte[] data) {
    public String text() {
      return new String(data, StandardCharsets.UTF_8);
    }

    public ObjectNode json() {
      return Json.parseObject(data);
    }
  }

  /** Reads the next frame, or null at the end of the stream. */
  public static Frame read(DataInputStream in) throws IOException {
    int channel = in.read();
    if (channel < 0) {
      return null;
    }
    int length = in.readInt();
    if (length < 0 || length > MAX_FRAME) {
      throw new IOException("bad frame length " + length);
    }
    byte[] data = new byte[length];
    in.readFully(data);
    return new Frame(channel, data);
  }

  /** Reads the request line the API server sends first. */
  public static ObjectNode readRequest(DataInputStream in) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.write(c);
      if (line.size() > 1 << 20) {
        throw new IOException("request line too long");
      }
    }
    if (c < 0) {
      throw new IOException("no request");
    }
    return Json.parseObject(line.toByteArray());
  }

  /** Writes frames from any thread, one whole frame at a time. */
  public static final class Writer {
    private final DataOutputStream out;
    private final ReentrantLock lock = new ReentrantLock();

    public Writer(OutputStream out) {
      this.out = new DataOutputStream(out);
    }

    public void request(ObjectNode request) throws IOException {
      lock.lock();
      try {
        out.write(Json.bytes(request));
        out.write('\n');
        out.flush();
      } finally {
        lock.unlock();
      }
    }

    public void frame(int channel, byte[] data, int offset, int length) throws IOException {
      lock.lock();
      try {
        out.write(channel);
        out.writeInt(length);
        out.write(data, offset, length);
        out.flush();
      } finally {
        lock.unlock();
      }
    }

    public void frame(int channel, byte[] data) throws IOException {
      frame(channel, data, 0, data.length);
    }

    public void frame(int channel, ObjectNode json) throws IOException {
      frame(channel, Json.bytes(json));
    }

    /** An OutputStream whose writes become frames on {@code channel}. */
    public OutputStream channel(int channel) {
      return new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          frame(channel, new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          if (len > 0) {
            frame(channel, b, off, len);
          }
        }
      };
    }
  }
}
