package dev.ordinal.storage.etcd;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's compactor loop (its 5 min {@code --etcd-compaction-interval}): each tick moves
 * the shared compaction key on and, if this server won the tick, compacts to the revision seen at
 * the previous tick. A failed tick is logged and the next one starts over.
 */
final class EtcdCompactor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdCompactor.class);

  private final EtcdStorage storage;
  private final ScheduledExecutorService scheduler;
  private long version;
  private long revision;

  EtcdCompactor(EtcdStorage storage, Duration interval) {
    this.storage = storage;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().name("etcd-compactor").daemon().unstarted(r));
    long millis = interval.toMillis();
    scheduler.scheduleWithFixedDelay(this::tick, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    try {
      long[] observed = new long[1];
      version = storage.compactTick(version, revision, observed);
      revision = observed[0];
    } catch (RuntimeException e) {
      log.warn("etcd compaction failed; trying again at the next interval: {}", e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    try {
      scheduler.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
