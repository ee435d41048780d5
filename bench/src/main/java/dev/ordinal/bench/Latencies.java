package dev.ordinal.bench;

import java.util.Arrays;

/** Recorded latencies in nanoseconds, and their percentiles. Thread-safe. */
public final class Latencies {
  private long[] values = new long[1024];
  private int size;

  public synchronized void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  public synchronized double percentileMillis(double p) {
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    int i = (int) Math.min(size - 1, Math.max(0, Math.ceil(p / 100.0 * size) - 1));
    return sorted[i] / 1e6;
  }

  public synchronized int count() {
    return size;
  }
}
