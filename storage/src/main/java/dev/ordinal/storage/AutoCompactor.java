package dev.ordinal.storage;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Periodically compacts a store down to its newest revisions and reclaims file space, so the file
 * stays bounded under churn. Runs on one daemon thread; a failed run is logged and retried at the
 * next tick.
 */
final class AutoCompactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AutoCompactor.class);

  private final SqliteStorage storage;
  private final long keepRevisions;
  private final ScheduledExecutorService scheduler;

  AutoCompactor(SqliteStorage storage, Duration interval, long keepRevisions) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    if (keepRevisions < 0) {
      throw new IllegalArgumentException("keepRevisions must not be negative: " + keepRevisions);
    }
    this.storage = storage;
    this.keepRevisions = keepRevisions;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("storage-compactor").daemon().unstarted(runnable));
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::runOnce, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Compacts to {@code current - keepRevisions} if that is newer than the compacted revision. */
  void runOnce() {
    try {
      long target = storage.currentRevision() - keepRevisions;
      if (target > storage.compactedRevision()) {
        storage.compact(target);
        storage.reclaimSpace();
      }
    } catch (RuntimeException e) {
      log.warn("compaction of {} failed; retrying at the next interval", storage.file(), e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
