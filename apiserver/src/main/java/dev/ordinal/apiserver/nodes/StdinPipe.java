package dev.ordinal.apiserver.nodes;

import java.io.InputStream;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * What the exec client types, as an InputStream for the command: chunks arrive from WebSocket
 * messages on any thread (unlike PipedInputStream, which fails once the writing thread has ended),
 * and an empty chunk marks the end.
 */
public final class StdinPipe extends InputStream {
  private static final byte[] END = new byte[0];
  private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
  private byte[] current = new byte[0];
  private int pos;
  private boolean ended;

  public void write(byte[] data) {
    if (data.length > 0) {
      chunks.add(data);
    }
  }

  /** The end of input: the client closed its stdin, or went away. */
  public void close(boolean fromClient) {
    chunks.add(END);
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (ended) {
      return -1;
    }
    while (pos >= current.length) {
      try {
        current = chunks.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
      pos = 0;
      if (current == END) {
        ended = true;
        return -1;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }
}
