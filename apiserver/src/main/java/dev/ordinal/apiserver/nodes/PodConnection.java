package dev.ordinal.apiserver.nodes;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One forwarded TCP connection to a pod's port, as both port-forward protocols use it (kubelet's
 * PortForward): bytes from the client are written to it, and what the pod sends is copied to the
 * client on a virtual thread of its own. Java socket I/O on a virtual thread parks it and frees
 * its carrier while it waits, so an idle forward holds no carrier.
 */
final class PodConnection implements Closeable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5000;

  /** Where the pod's bytes go: one call per read, then {@link #end} once. */
  interface Sink {
    /** Sends bytes the pod wrote; an IOException ends the copy (the client is gone). */
    void data(byte[] buf, int len) throws IOException;

    /** The copy is over: {@code eof} when the pod closed its side, false on an error or a close from ours. */
    void end(boolean eof);
  }

  private final Socket socket;
  private final OutputStream out;

  private PodConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to {@code ip:port}, waiting at most 5 s.
   *
   * @throws IOException when the pod does not accept the connection
   */
  static PodConnection open(String ip, int port) throws IOException {
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(ip, port), CONNECT_TIMEOUT_MILLIS);
      return new PodConnection(socket);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Starts copying what the pod sends into {@code sink}, on a virtual thread named {@code name}. */
  void copyTo(String name, Sink sink) {
    Thread.ofVirtual().name(name).start(() -> {
      byte[] buf = new byte[32 * 1024];
      boolean eof = false;
      try (InputStream in = socket.getInputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          if (n > 0) {
            sink.data(buf, n);
          }
        }
        eof = true;
      } catch (IOException e) {
        // closed from the client's side, or the client is gone
      } finally {
        sink.end(eof);
        close();
      }
    });
  }

  /** Writes the client's bytes to the pod. */
  void write(byte[] buf, int off, int len) throws IOException {
    out.write(buf, off, len);
    out.flush();
  }

  /** The client will send no more: the pod reads end of file. */
  void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed already
    }
  }
}
