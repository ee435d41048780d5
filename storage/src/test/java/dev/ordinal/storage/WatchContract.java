package dev.ordinal.storage;

import static dev.ordinal.storage.StorageContract.bytes;
import static dev.ordinal.storage.StorageContract.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage}'s watches must do, run against SQLite ({@code
 * SqliteStorageWatchTest}) and etcd ({@code EtcdStorageWatchIT}); revisions count from {@link
 * #base}, as in {@link StorageContract}.
 */
public abstract class WatchContract {
  protected Storage storage;
  protected long base;
  protected final List<WatchEvent> events = new CopyOnWriteArrayList<>();

  protected abstract Storage open();

  /** The store's open watches. */
  protected abstract int watchCount();

  @BeforeEach
  void openStore() {
    storage = open();
    base = storage.currentRevision();
  }

  @AfterEach
  void closeStore() {
    storage.close();
  }

  protected long r(long n) {
    return base + n;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20s");
      }
      Thread.sleep(5);
    }
  }

  private List<Long> revisions() {
    return events.stream().map(WatchEvent::revision).toList();
  }

  @Test
  void replaysHistoryThenDeliversLiveChanges() throws Exception {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    storage.update("/a", bytes("a2"), a.modRevision()); // 2
    storage.delete("/a", 0); // 3

    try (AutoCloseable watch = storage.watch("/", base, events::add)) {
      storage.create("/b", bytes("b1")); // 4
      await(() -> events.size() == 4);
    }

    assertThat(revisions()).containsExactly(r(1), r(2), r(3), r(4));
    WatchEvent created = events.get(0);
    assertThat(created.isCreate()).isTrue();
    assertThat(created.prev()).isNull();
    WatchEvent updated = events.get(1);
    assertThat(updated.type()).isEqualTo(WatchEvent.Type.PUT);
    assertThat(text(updated.kv())).isEqualTo("a2");
    assertThat(text(updated.prev())).isEqualTo("a1");
    assertThat(updated.prev().modRevision()).isEqualTo(r(1));
    WatchEvent deleted = events.get(2);
    assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
    assertThat(text(deleted.kv())).isEqualTo("a2");
    assertThat(deleted.prev().modRevision()).isEqualTo(r(2));
    assertThat(events.get(3).isCreate()).isTrue();
  }

  @Test
  void liveEventsCarryTheSameShapeAsReplayedOnes() throws Exception {
    try (AutoCloseable watch = storage.watch("/", base, events::add)) {
      KeyValue a = storage.create("/a", bytes("a1"));
      storage.update("/a", bytes("a2"), a.modRevision());
      storage.delete("/a", 0);
      await(() -> events.size() == 3);
    }
    List<WatchEvent> live = List.copyOf(events);
    events.clear();
    try (AutoCloseable watch = storage.watch("/", base, events::add)) {
      await(() -> events.size() == 3);
    }

    assertThat(events).usingRecursiveFieldByFieldElementComparator().isEqualTo(live);
  }

  @Test
  void startsAfterTheGivenRevision() throws Exception {
    for (int i = 0; i < 5; i++) {
      storage.create("/k" + i, bytes("v"));
    }
    try (AutoCloseable watch = storage.watch("/", r(3), events::add)) {
      await(() -> events.size() == 2);
      Thread.sleep(50);
    }

    assertThat(revisions()).containsExactly(r(4), r(5));
  }

  @Test
  void deliversOnlyKeysUnderThePrefix() throws Exception {
    storage.create("/pods/a", bytes("x"));
    storage.create("/services/a", bytes("x"));
    try (AutoCloseable watch = storage.watch("/pods/", base, events::add)) {
      storage.create("/pods0", bytes("x"));
      storage.create("/services/b", bytes("x"));
      storage.create("/pods/b", bytes("x"));
      await(() -> events.size() == 2);
      Thread.sleep(50);
    }

    assertThat(events).extracting(e -> e.kv().key()).containsExactly("/pods/a", "/pods/b");
  }

  @Test
  void aWatchStartedDuringConcurrentWritesSeesEveryLaterRevisionOnceInOrder() throws Exception {
    int writers = 4;
    int writesEach = 500;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch halfway = new CountDownLatch(writers);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < writesEach; i++) {
                  storage.create("/w" + writer + "/" + i, bytes("v"));
                  if (i == writesEach / 2) {
                    halfway.countDown();
                  }
                }
              }));
    }
    halfway.await();
    long start = storage.currentRevision();
    AutoCloseable watch = storage.watch("/", start, events::add);
    for (Future<?> writer : done) {
      writer.get();
    }
    pool.shutdown();
    long end = storage.currentRevision();
    await(() -> events.size() >= end - start);
    Thread.sleep(50);
    watch.close();

    assertThat(end).isEqualTo(base + (long) writers * writesEach);
    List<Long> expected = new ArrayList<>();
    for (long r = start + 1; r <= end; r++) {
      expected.add(r);
    }
    assertThat(revisions()).isEqualTo(expected);
  }

  @Test
  void closingStopsDeliveryAndTheThread() throws Exception {
    AutoCloseable watch = storage.watch("/", base, events::add);
    storage.create("/a", bytes("x"));
    await(() -> events.size() == 1);

    watch.close();
    storage.create("/b", bytes("x"));
    Thread.sleep(50);

    assertThat(events).hasSize(1);
    assertThat(watchCount()).isZero();
  }

  @Test
  void aSlowSinkDoesNotBlockWriters() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (AutoCloseable watch =
        storage.watch(
            "/",
            base,
            event -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              events.add(event);
            })) {
      for (int i = 0; i < 200; i++) {
        storage.create("/k" + i, bytes("v"));
      }
      assertThat(storage.currentRevision()).isEqualTo(r(200));
      release.countDown();
      await(() -> events.size() == 200);
    }
  }

  @Test
  void watchingFromBeforeTheCompactedRevisionIsCompacted() {
    for (int i = 0; i < 5; i++) {
      storage.create("/k" + i, bytes("v"));
    }
    storage.compact(r(3));

    assertThatThrownBy(() -> storage.watch("/", r(2), events::add))
        .isInstanceOfSatisfying(
            StorageException.Compacted.class, e -> assertThat(e.compactedRevision()).isEqualTo(r(3)));
    assertThat(watchCount()).isZero();
  }

  @Test
  void watchingFromTheCompactedRevisionReplaysWhatFollows() throws Exception {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    a = storage.update("/a", bytes("a2"), a.modRevision()); // 2
    storage.update("/a", bytes("a3"), a.modRevision()); // 3
    storage.compact(r(2));

    try (AutoCloseable watch = storage.watch("/", r(2), events::add)) {
      await(() -> events.size() == 1);
    }

    assertThat(text(events.get(0).kv())).isEqualTo("a3");
    assertThat(text(events.get(0).prev())).isEqualTo("a2");
  }

  @Test
  void aSinkThatThrowsKeepsReceivingLaterEvents() throws Exception {
    try (AutoCloseable watch =
        storage.watch(
            "/",
            base,
            event -> {
              events.add(event);
              if (event.revision() == r(1)) {
                throw new IllegalStateException("sink failure");
              }
            })) {
      storage.create("/a", bytes("x"));
      storage.create("/b", bytes("x"));
      await(() -> events.size() == 2);
    }
  }

  @Test
  void aKeyCreatedAgainIsReplayedAsACreate() throws Exception {
    storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    storage.create("/a", bytes("y"));

    try (AutoCloseable watch = storage.watch("/", r(2), events::add)) {
      await(() -> events.size() == 1);
    }

    assertThat(events.get(0).isCreate()).isTrue();
  }

  @Test
  void closingTheStorageClosesItsWatches() throws Exception {
    storage.watch("/", base, events::add);
    storage.close();

    assertThat(watchCount()).isZero();
  }
}
