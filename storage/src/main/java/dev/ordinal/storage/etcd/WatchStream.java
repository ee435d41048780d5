package dev.ordinal.storage.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One {@code POST /v3/watch} to etcd's JSON gateway held open in both directions: requests (the
 * create request, then progress requests) go up as chunks of the request body while responses
 * come down as newline-separated JSON in the chunked response body.
 *
 * <p>Written on a plain socket because the JDK's HTTP client does not read an HTTP/1.1 response
 * before the request body has ended, and a progress request must be sent on the watch's own
 * stream. Socket reads park a virtual thread without holding its carrier.
 */
final class WatchStream implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ReentrantLock writeLock = new ReentrantLock();
  private boolean chunked;
  private long remainingInChunk;

  private WatchStream(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  /** Connects and sends the request head; the caller then sends the create request. */
  static WatchStream open(URI endpoint, SSLContext ssl) throws IOException {
    Socket socket;
    if ("https".equals(endpoint.getScheme())) {
      SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket();
      SSLParameters params = s.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(params);
      socket = s;
    } else {
      socket = new Socket();
    }
    try {
      socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 2000);
      socket.setTcpNoDelay(true);
      WatchStream stream = new WatchStream(socket);
      String head = "POST /v3/watch HTTP/1.1\r\nHost: " + endpoint.getHost() + ":" + endpoint.getPort()
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
          // without it, Go's server (etcd 3.4) reads the whole body before answering: no stream
          + "\r\nExpect: 100-continue\r\n\r\n";
      stream.out.write(head.getBytes(StandardCharsets.US_ASCII));
      stream.out.flush();
      return stream;
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  void timeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  /** Sends one request message (a JSON object) as one chunk. */
  void send(JsonNode message) throws IOException {
    byte[] json = (EtcdGateway.JSON.writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
    writeLock.lock();
    try {
      out.write((Integer.toHexString(json.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(json);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
    } finally {
      writeLock.unlock();
    }
  }

  /** Reads the response head; throws unless it is 200. */
  void readHead() throws IOException {
    String status = line();
    while (status.startsWith("HTTP/1.1 100")) {
      line(); // the blank line after 100 Continue
      status = line();
    }
    if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200")) {
      throw new IOException("etcd watch answered " + status);
    }
    String header;
    while (!(header = line()).isEmpty()) {
      String lower = header.toLowerCase(java.util.Locale.ROOT);
      if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
  }

  /** The next response message, or throws at the end of the stream. */
  JsonNode next() throws IOException {
    ByteArrayOutputStream message = new ByteArrayOutputStream();
    while (true) {
      int b = bodyByte();
      if (b < 0) {
        throw new EOFException("etcd closed the watch stream");
      }
      if (b == '\n') {
        if (message.size() > 0) {
          return EtcdGateway.JSON.readTree(message.toByteArray());
        }
      } else {
        message.write(b);
      }
    }
  }

  private int bodyByte() throws IOException {
    if (!chunked) {
      return in.read();
    }
    if (remainingInChunk == 0) {
      String size = line();
      if (size.isEmpty()) {
        size = line(); // the CRLF that ends the previous chunk
      }
      int semicolon = size.indexOf(';');
      remainingInChunk = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
      if (remainingInChunk == 0) {
        return -1;
      }
    }
    int b = in.read();
    if (b >= 0) {
      remainingInChunk--;
    }
    return b;
  }

  private String line() throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    if (b < 0 && sb.isEmpty()) {
      throw new EOFException("etcd closed the watch stream");
    }
    return sb.toString();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing only ends the stream
    }
  }
}
