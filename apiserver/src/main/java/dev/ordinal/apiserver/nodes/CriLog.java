package dev.ordinal.apiserver.nodes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Reads container logs in the CRI format conmon writes ({@code <RFC3339Nano> <stdout|stderr> <F|P>
 * <text>}, P marking a line continued in the next entry) and renders them as {@code kubectl logs}
 * shows them: the text, with {@code timestamps} each line prefixed by its time, limited by
 * {@code sinceSeconds}/{@code sinceTime}, {@code tailLines} and {@code limitBytes}.
 */
public final class CriLog {
  /** What the request asked for. */
  public record Options(boolean timestamps, Instant since, long tailLines, long limitBytes) {
    public static final Options ALL = new Options(false, null, -1, -1);
  }

  /** One log entry. */
  record Entry(String time, String text, boolean complete) {}

  private CriLog() {}

  static Entry parse(String line) {
    int a = line.indexOf(' ');
    int b = a < 0 ? -1 : line.indexOf(' ', a + 1);
    int c = b < 0 ? -1 : line.indexOf(' ', b + 1);
    if (c < 0) {
      return new Entry("", line, true);
    }
    return new Entry(line.substring(0, a), line.substring(c + 1), !line.substring(b + 1, c).equals("P"));
  }

  /** Renders whole lines of the file's content as the options say. */
  public static byte[] render(List<String> lines, Options o) {
    Deque<String> out = new ArrayDeque<>();
    StringBuilder pending = new StringBuilder();
    String pendingTime = null;
    for (String line : lines) {
      Entry e = parse(line);
      if (o.since() != null && !e.time().isEmpty() && parseTime(e.time()).isBefore(o.since())) {
        continue;
      }
      if (pendingTime == null) {
        pendingTime = e.time();
      }
      pending.append(e.text());
      if (e.complete()) {
        out.add((o.timestamps() ? pendingTime + " " : "") + pending + "\n");
        pending.setLength(0);
        pendingTime = null;
        if (o.tailLines() >= 0 && out.size() > o.tailLines()) {
          out.removeFirst();
        }
      }
    }
    if (!pending.isEmpty()) {
      out.add((o.timestamps() ? pendingTime + " " : "") + pending);
      if (o.tailLines() >= 0 && out.size() > o.tailLines()) {
        out.removeFirst();
      }
    }
    byte[] bytes = String.join("", out).getBytes(StandardCharsets.UTF_8);
    if (o.limitBytes() >= 0 && bytes.length > o.limitBytes()) {
      return java.util.Arrays.copyOf(bytes, (int) o.limitBytes());
    }
    return bytes;
  }

  static Instant parseTime(String t) {
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (RuntimeException e) {
      return Instant.EPOCH;
    }
  }
}
