package dev.ordinal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageTest {
  @TempDir Path dir;
  SqliteStorage store;

  @BeforeEach
  void open() {
    store = SqliteStorage.open(dir.resolve("s.db"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String s(KeyValue kv) {
    return new String(kv.value(), StandardCharsets.UTF_8);
  }

  @Test
  void createUpdateDeleteWithRevisions() {
    KeyValue a = store.create("/a", b("1"));
    assertThat(a.modRevision()).isEqualTo(1);
    assertThat(a.createRevision()).isEqualTo(1);
    KeyValue a2 = store.update("/a", b("2"), 1);
    assertThat(a2.modRevision()).isEqualTo(2);
    assertThat(a2.createRevision()).isEqualTo(1);
    assertThat(s(store.get("/a").orElseThrow())).isEqualTo("2");
    KeyValue gone = store.delete("/a", 2);
    assertThat(gone.modRevision()).isEqualTo(3);
    assertThat(store.get("/a")).isEmpty();
    assertThat(store.currentRevision()).isEqualTo(3);
    assertThat(store.create("/a", b("again")).createRevision()).isEqualTo(4);
  }

  @Test
  void conflictsAndMissingKeys() {
    store.create("/a", b("1"));
    assertThatThrownBy(() -> store.create("/a", b("x"))).isInstanceOf(StorageException.KeyExists.class);
    assertThatThrownBy(() -> store.update("/a", b("x"), 7)).isInstanceOf(StorageException.Conflict.class);
    assertThatThrownBy(() -> store.update("/b", b("x"), 1)).isInstanceOf(StorageException.KeyNotFound.class);
    assertThatThrownBy(() -> store.delete("/a", 9)).isInstanceOf(StorageException.Conflict.class);
    assertThat(s(store.get("/a").orElseThrow())).isEqualTo("1");
    assertThat(store.currentRevision()).isEqualTo(1);
  }

  @Test
  void listsAtTheCurrentAndAPastRevision() {
    store.create("/p/a", b("a1"));
    store.create("/p/b", b("b1"));
    store.create("/q/c", b("c1"));
    long r3 = store.currentRevision();
    store.update("/p/a", b("a2"), 1);
    store.delete("/p/b", 2);
    assertThat(store.list("/p/", 0).items()).extracting(SqliteStorageTest::s).containsExactly("a2");
    assertThat(store.list("/p/", r3).items()).extracting(SqliteStorageTest::s).containsExactly("a1", "b1");
    assertThat(store.list("/p/", r3).revision()).isEqualTo(r3);
    assertThatThrownBy(() -> store.list("/p/", 99)).isInstanceOf(StorageException.FutureRevision.class);
  }

  @Test
  void compactionKeepsEveryValueAtOrAfterItsRevision() {
    store.create("/k", b("1"));
    store.update("/k", b("2"), 1);
    store.create("/gone", b("x"));
    store.delete("/gone", 3);
    store.update("/k", b("3"), 2);
    long r5 = store.currentRevision();
    store.update("/k", b("4"), 5);
    store.compact(r5);
    assertThat(store.compactedRevision()).isEqualTo(r5);
    assertThat(store.list("/", r5).items()).extracting(SqliteStorageTest::s).containsExactly("3");
    assertThat(store.list("/", 0).items()).extracting(SqliteStorageTest::s).containsExactly("4");
    assertThatThrownBy(() -> store.list("/", 2)).isInstanceOf(StorageException.Compacted.class);
    assertThatThrownBy(() -> store.watch("/", 2, e -> { })).isInstanceOf(StorageException.Compacted.class);
    assertThat(store.rowCount()).isEqualTo(2);
  }

  @Test
  void compactionBoundsTheRowsUnderChurn() {
    store.create("/k", b("0"));
    for (int i = 1; i <= 500; i++) {
      store.update("/k", b(Integer.toString(i)), i);
    }
    store.compact(store.currentRevision() - 10);
    assertThat(store.rowCount()).isLessThanOrEqualTo(11);
    assertThat(s(store.get("/k").orElseThrow())).isEqualTo("500");
  }

  @Test
  void aReopenedStoreContinuesWhereItWas() {
    store.create("/a", b("1"));
    store.update("/a", b("2"), 1);
    store.close();
    store = SqliteStorage.open(dir.resolve("s.db"));
    assertThat(store.currentRevision()).isEqualTo(2);
    assertThat(store.create("/b", b("x")).modRevision()).isEqualTo(3);
    assertThat(s(store.get("/a").orElseThrow())).isEqualTo("2");
  }

  @Test
  void watchReplaysHistoryThenLiveEventsWithoutGapsUnderConcurrentWriters() throws Exception {
    for (int i = 0; i < 50; i++) {
      store.create("/w/pre-" + i, b("x"));
    }
    long from = 25;
    List<Long> seen = new CopyOnWriteArrayList<>();
    List<String> other = new CopyOnWriteArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
      for (int t = 0; t < 4; t++) {
        int thread = t;
        pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            store.create("/w/t" + thread + "-" + i, b("v"));
            if (i % 100 == 0) {
              store.create("/x/t" + thread + "-" + i, b("v"));
            }
          }
        });
      }
      Thread.sleep(5);
      AutoCloseable w = store.watch("/w/", from, e -> seen.add(e.revision()));
      AutoCloseable w2 = store.watch("/x/", 0, e -> other.add(e.kv().key()));
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      long deadline = System.currentTimeMillis() + 10_000;
      while (seen.size() < 25 + 2000 && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      w.close();
      w2.close();
    }
    List<Long> expected = new ArrayList<>();
    for (KeyValue kv : store.list("/w/", 0).items()) {
      if (kv.modRevision() > from) {
        expected.add(kv.modRevision());
      }
    }
    expected.sort(Long::compare);
    assertThat(seen).containsExactlyElementsOf(expected);
    assertThat(other).hasSize(20).allMatch(k -> k.startsWith("/x/"));
  }

  @Test
  void deletionsAreWatchedWithTheDeletedValue() throws Exception {
    store.create("/d", b("last"));
    List<WatchEvent> events = new CopyOnWriteArrayList<>();
    try (AutoCloseable w = store.watch("/", 1, events::add)) {
      store.delete("/d", 1);
      long deadline = System.currentTimeMillis() + 5000;
      while (events.isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(5);
      }
    }
    assertThat(events).hasSize(1);
    assertThat(events.get(0).type()).isEqualTo(WatchEvent.Type.DELETE);
    assertThat(s(events.get(0).kv())).isEqualTo("last");
    assertThat(events.get(0).revision()).isEqualTo(2);
  }
}
