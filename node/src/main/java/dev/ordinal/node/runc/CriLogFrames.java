package dev.ordinal.node.runc;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the bytes appended to a CRI log ({@code <time> <stdout|stderr> <F|P> <text>\n}) back into
 * what the process wrote, stream by stream: a full entry (F) ended with a newline the process wrote,
 * a partial one (P, a prompt with no newline yet) did not. Works on bytes, not characters: conmon
 * splits where its read ended, which can be inside a UTF-8 sequence. Not thread-safe; one per reader.
 */
final class CriLogFrames {
  /** What the process wrote on one stream. */
  record Chunk(boolean stderr, byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Chunk c && c.stderr == stderr && Arrays.equals(c.data, data);
    }

    @Override
    public int hashCode() {
      return Boolean.hashCode(stderr) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return (stderr ? "stderr:" : "stdout:") + new String(data, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  /** Feeds what was appended to the log; returns the chunks of every entry it completed, in order. */
  List<Chunk> feed(byte[] buf, int len) {
    List<Chunk> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < len; i++) {
      if (buf[i] == '\n') {
        line.write(buf, start, i - start);
        Chunk c = entry(line.toByteArray());
        if (c != null) {
          out.add(c);
        }
        line.reset();
        start = i + 1;
      }
    }
    line.write(buf, start, len - start);
    return out;
  }

  /** One entry, or null for a line not in the format (nothing the process wrote). */
  static Chunk entry(byte[] e) {
    int a = indexOf(e, 0);
    int b = a < 0 ? -1 : indexOf(e, a + 1);
    int c = b < 0 ? -1 : indexOf(e, b + 1);
    if (c < 0) {
      return null;
    }
    boolean stderr = new String(e, a + 1, b - a - 1, java.nio.charset.StandardCharsets.US_ASCII).equals("stderr");
    boolean partial = e[b + 1] == 'P';
    int textLen = e.length - c - 1;
    byte[] data = Arrays.copyOfRange(e, c + 1, c + 1 + textLen + (partial ? 0 : 1));
    if (!partial) {
      data[textLen] = '\n';
    }
    return new Chunk(stderr, data);
  }

  private static int indexOf(byte[] e, int from) {
    for (int i = from; i < e.length; i++) {
      if (e[i] == ' ') {
        return i;
      }
    }
    return -1;
  }
}
