package dev.ordinal.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A quick local measurement, not a test: writes/s, create latency percentiles and list time. Run
 * with {@code java -cp <test classpath> dev.ordinal.storage.SqliteStorageMeasurement [full]}.
 */
public final class SqliteStorageMeasurement {
  private SqliteStorageMeasurement() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("storage-measure");
    byte[] value = new byte[2_000];
    Arrays.fill(value, (byte) 'x');
    Durability durability =
        args.length > 0 && args[0].equals("full") ? Durability.POWER_LOSS : Durability.PROCESS_CRASH;
    System.out.println("durability " + durability);
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("state.db"), durability)) {
      for (int i = 0; i < 2_000; i++) {
        storage.create("/warmup/" + i, value);
      }
      int threads = 4;
      int perThread = 5_000;
      long[] latencies = new long[threads * perThread];
      AtomicInteger slot = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      long start = System.nanoTime();
      Future<?>[] done = new Future<?>[threads];
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done[t] =
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    long before = System.nanoTime();
                    storage.create("/pods/ns" + thread + "/p" + i, value);
                    latencies[slot.getAndIncrement()] = System.nanoTime() - before;
                  }
                });
      }
      for (Future<?> f : done) {
        f.get();
      }
      long elapsed = System.nanoTime() - start;
      pool.shutdown();
      Arrays.sort(latencies);
      System.out.printf(
          "creates: %d in %d ms = %.0f/s; p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          latencies.length,
          elapsed / 1_000_000,
          latencies.length * 1e9 / elapsed,
          latencies[latencies.length / 2] / 1e6,
          latencies[latencies.length * 99 / 100] / 1e6,
          latencies[latencies.length - 1] / 1e6);

      for (int round = 0; round < 5; round++) {
        long t0 = System.nanoTime();
        ListResult all = storage.list("/pods/", 0);
        long t1 = System.nanoTime();
        ListResult one = storage.list("/pods/ns1/", 0);
        long t2 = System.nanoTime();
        System.out.printf(
            "list %d keys: %.1f ms; list %d keys: %.1f ms%n",
            all.items().size(), (t1 - t0) / 1e6, one.items().size(), (t2 - t1) / 1e6);
      }
      long t0 = System.nanoTime();
      storage.compact(storage.currentRevision() - 1000);
      storage.reclaimSpace();
      System.out.printf("compact + reclaim: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    }
  }
}
