package dev.ordinal.storage;

import static dev.ordinal.storage.SqliteStorageTest.bytes;
import static dev.ordinal.storage.SqliteStorageTest.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageWatchTest {
  @TempDir Path dir;
  private SqliteStorage storage;
  private final List<WatchEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    storage = SqliteStorage.open(dir.resolve("state.db"));
  }

  @AfterEach
  void close() {
    storage.close();
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

    try (AutoCloseable watch = storage.watch("/", 0, events::add)) {
      storage.create("/b", bytes("b1")); // 4
      await(() -> events.size() == 4);
    }

    assertThat(revisions()).containsExactly(1L, 2L, 3L, 4L);
    WatchEvent created = events.get(0);
    assertThat(created.isCreate()).isTrue();
    assertThat(created.prev()).isNull();
    WatchEvent updated = events.get(1);
    assertThat(updated.type()).isEqualTo(WatchEvent.Type.PUT);
    assertThat(text(updated.kv())).isEqualTo("a2");
    assertThat(text(updated.prev())).isEqualTo("a1");
    assertThat(updated.prev().modRevision()).isEqualTo(1);
    WatchEvent deleted = events.get(2);
    assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
    assertThat(text(deleted.kv())).isEqualTo("a2");
    assertThat(deleted.prev().modRevision()).isEqualTo(2);
    assertThat(events.get(3).isCreate()).isTrue();
  }

  @Test
  void liveEventsCarryTheSameShapeAsReplayedOnes() throws Exception {
    try (AutoCloseable watch = storage.watch("/", 0, events::add)) {
      KeyValue a = storage.create("/a", bytes("a1"));
      storage.update("/a", bytes("a2"), a.modRevision());
      storage.delete("/a", 0);
      await(() -> events.size() == 3);
    }
    List<WatchEvent> live = List.copyOf(events);
    events.clear();
    try (AutoCloseable watch = storage.watch("/", 0, events::add)) {
      await(() -> events.size() == 3);
    }

    assertThat(events).usingRecursiveFieldByFieldElementComparator().isEqualTo(live);
  }

  @Test
  void startsAfterTheGivenRevision() throws Exception {
    for (int i = 0; i < 5; i++) {
      storage.create("/k" + i, bytes("v"));
    }
    try (AutoCloseable watch = storage.watch("/", 3, events::add)) {
      await(() -> events.size() == 2);
      Thread.sleep(50);
    }

    assertThat(revisions()).containsExactly(4L, 5L);
  }

  @Test
  void deliversOnlyKeysUnderThePrefix() throws Exception {
    storage.create("/pods/a", bytes("x"));
    storage.create("/services/a", bytes("x"));
    try (AutoCloseable watch = storage.watch("/pods/", 0, events::add)) {
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

    assertThat(end).isEqualTo((long) writers * writesEach);
    List<Long> expected = new ArrayList<>();
    for (long r = start + 1; r <= end; r++) {
      expected.add(r);
    }
    assertThat(revisions()).isEqualTo(expected);
  }

  @Test
  void closingStopsDeliveryAndTheThread() throws Exception {
    AutoCloseable watch = storage.watch("/", 0, events::add);
    storage.create("/a", bytes("x"));
    await(() -> events.size() == 1);

    watch.close();
    storage.create("/b", bytes("x"));
    Thread.sleep(50);

    assertThat(events).hasSize(1);
    assertThat(storage.watchCount()).isZero();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("storage-watch-"));
  }

  @Test
  void aSlowSinkDoesNotBlockWriters() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (AutoCloseable watch =
        storage.watch(
            "/",
            0,
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
      assertThat(storage.currentRevision()).isEqualTo(200);
      release.countDown();
      await(() -> events.size() == 200);
    }
  }

  @Test
  void watchingFromBeforeTheCompactedRevisionIsCompacted() {
    for (int i = 0; i < 5; i++) {
      storage.create("/k" + i, bytes("v"));
    }
    storage.compact(3);

    assertThatThrownBy(() -> storage.watch("/", 2, events::add))
        .isInstanceOfSatisfying(
            StorageException.Compacted.class, e -> assertThat(e.compactedRevision()).isEqualTo(3));
    assertThat(storage.watchCount()).isZero();
  }

  @Test
  void watchingFromTheCompactedRevisionReplaysWhatFollows() throws Exception {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    a = storage.update("/a", bytes("a2"), a.modRevision()); // 2
    storage.update("/a", bytes("a3"), a.modRevision()); // 3
    storage.compact(2);

    try (AutoCloseable watch = storage.watch("/", 2, events::add)) {
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
            0,
            event -> {
              events.add(event);
              if (event.revision() == 1) {
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

    try (AutoCloseable watch = storage.watch("/", 2, events::add)) {
      await(() -> events.size() == 1);
    }

    assertThat(events.get(0).isCreate()).isTrue();
  }

  @Test
  void closingTheStorageClosesItsWatches() throws Exception {
    storage.watch("/", 0, events::add);
    storage.close();

    assertThat(storage.watchCount()).isZero();
  }
}
