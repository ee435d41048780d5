package dev.ordinal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageTest {
  @TempDir Path dir;
  private SqliteStorage storage;

  @BeforeEach
  void open() {
    storage = SqliteStorage.open(dir.resolve("state.db"));
  }

  @AfterEach
  void close() {
    storage.close();
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(KeyValue kv) {
    return new String(kv.value(), StandardCharsets.UTF_8);
  }

  static List<String> keys(ListResult result) {
    return result.items().stream().map(KeyValue::key).toList();
  }

  @Test
  void emptyStoreIsAtRevisionZero() {
    assertThat(storage.currentRevision()).isZero();
    assertThat(storage.compactedRevision()).isZero();
    assertThat(storage.get("/a")).isEmpty();
    assertThat(storage.list("/", 0).items()).isEmpty();
  }

  @Test
  void createAssignsTheNextRevisionAsCreateAndModRevision() {
    KeyValue first = storage.create("/pods/a", bytes("one"));
    KeyValue second = storage.create("/pods/b", bytes("two"));

    assertThat(first.createRevision()).isEqualTo(1);
    assertThat(first.modRevision()).isEqualTo(1);
    assertThat(second.modRevision()).isEqualTo(2);
    assertThat(storage.currentRevision()).isEqualTo(2);
    assertThat(storage.get("/pods/a"))
        .hasValueSatisfying(kv -> assertThat(text(kv)).isEqualTo("one"));
  }

  @Test
  void createOfAnExistingKeyFailsWithoutUsingARevision() {
    storage.create("/a", bytes("x"));

    assertThatThrownBy(() -> storage.create("/a", bytes("y")))
        .isInstanceOf(StorageException.KeyExists.class);
    assertThat(storage.currentRevision()).isEqualTo(1);
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("x");
  }

  @Test
  void updateKeepsCreateRevisionAndChecksTheExpectedModRevision() {
    KeyValue created = storage.create("/a", bytes("v1"));
    KeyValue updated = storage.update("/a", bytes("v2"), created.modRevision());

    assertThat(updated.createRevision()).isEqualTo(created.createRevision());
    assertThat(updated.modRevision()).isEqualTo(2);
    assertThatThrownBy(() -> storage.update("/a", bytes("v3"), created.modRevision()))
        .isInstanceOfSatisfying(
            StorageException.Conflict.class, e -> assertThat(e.actualRevision()).isEqualTo(2));
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("v2");
  }

  @Test
  void updateOfAMissingOrDeletedKeyIsNotFound() {
    assertThatThrownBy(() -> storage.update("/missing", bytes("x"), 1))
        .isInstanceOf(StorageException.KeyNotFound.class);
    KeyValue created = storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    assertThatThrownBy(() -> storage.update("/a", bytes("y"), created.modRevision()))
        .isInstanceOf(StorageException.KeyNotFound.class);
  }

  @Test
  void deleteReturnsTheDeletedValueAtTheDeletionRevision() {
    KeyValue created = storage.create("/a", bytes("x"));
    KeyValue deleted = storage.delete("/a", created.modRevision());

    assertThat(text(deleted)).isEqualTo("x");
    assertThat(deleted.modRevision()).isEqualTo(2);
    assertThat(deleted.createRevision()).isEqualTo(1);
    assertThat(storage.get("/a")).isEmpty();
    assertThatThrownBy(() -> storage.delete("/a", 0))
        .isInstanceOf(StorageException.KeyNotFound.class);
  }

  @Test
  void deleteWithAStaleRevisionConflictsAndWithZeroAlwaysDeletes() {
    KeyValue created = storage.create("/a", bytes("x"));
    storage.update("/a", bytes("y"), created.modRevision());

    assertThatThrownBy(() -> storage.delete("/a", created.modRevision()))
        .isInstanceOf(StorageException.Conflict.class);
    assertThat(storage.delete("/a", 0).modRevision()).isEqualTo(3);
  }

  @Test
  void aKeyCreatedAgainAfterDeletionStartsANewLife() {
    storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    KeyValue again = storage.create("/a", bytes("y"));

    assertThat(again.createRevision()).isEqualTo(3);
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("y");
  }

  @Test
  void revisionsIncreaseByOnePerSuccessfulWrite() {
    long last = 0;
    for (int i = 0; i < 50; i++) {
      KeyValue kv = storage.create("/k" + i, bytes("v"));
      assertThat(kv.modRevision()).isEqualTo(last + 1);
      last = kv.modRevision();
      if (i % 2 == 0) {
        last = storage.update("/k" + i, bytes("w"), last).modRevision();
      }
    }
    assertThat(storage.currentRevision()).isEqualTo(last);
  }

  @Test
  void listReturnsTheKeysUnderAPrefixSortedByKey() {
    storage.create("/pods/ns1/b", bytes("b"));
    storage.create("/pods/ns1/a", bytes("a"));
    storage.create("/pods/ns2/c", bytes("c"));
    storage.create("/pods0", bytes("not under /pods/"));
    storage.create("/services/ns1/s", bytes("s"));

    ListResult result = storage.list("/pods/", 0);

    assertThat(keys(result)).containsExactly("/pods/ns1/a", "/pods/ns1/b", "/pods/ns2/c");
    assertThat(result.revision()).isEqualTo(5);
    assertThat(keys(storage.list("/pods/ns1/", 0))).containsExactly("/pods/ns1/a", "/pods/ns1/b");
    assertThat(keys(storage.list("", 0))).hasSize(5);
  }

  @Test
  void listAtAPastRevisionShowsTheValuesAsTheyWere() {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    storage.create("/b", bytes("b1")); // 2
    storage.update("/a", bytes("a2"), a.modRevision()); // 3
    storage.delete("/b", 0); // 4
    storage.create("/c", bytes("c1")); // 5

    assertThat(storage.list("/", 2).items())
        .extracting(KeyValue::key, SqliteStorageTest::text, KeyValue::modRevision)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/a", "a1", 1L),
            org.assertj.core.groups.Tuple.tuple("/b", "b1", 2L));
    assertThat(storage.list("/", 3).items())
        .extracting(SqliteStorageTest::text)
        .containsExactly("a2", "b1");
    assertThat(keys(storage.list("/", 4))).containsExactly("/a");
    assertThat(keys(storage.list("/", 5))).containsExactly("/a", "/c");
    assertThat(storage.list("/", 4).revision()).isEqualTo(4);
  }

  @Test
  void listBeyondTheCurrentRevisionIsAFutureRevision() {
    storage.create("/a", bytes("x"));

    assertThatThrownBy(() -> storage.list("/", 2))
        .isInstanceOf(StorageException.FutureRevision.class);
  }

  @Test
  void compactionKeepsListsAtAndAfterTheCompactedRevisionCorrect() {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    storage.create("/b", bytes("b1")); // 2
    a = storage.update("/a", bytes("a2"), a.modRevision()); // 3
    storage.delete("/b", 0); // 4
    storage.create("/c", bytes("c1")); // 5
    storage.update("/a", bytes("a3"), a.modRevision()); // 6
    List<List<String>> before = List.of(listed(4), listed(5), listed(6));

    storage.compact(4);

    assertThat(storage.compactedRevision()).isEqualTo(4);
    assertThat(List.of(listed(4), listed(5), listed(6))).isEqualTo(before);
    assertThatThrownBy(() -> storage.list("/", 3))
        .isInstanceOfSatisfying(
            StorageException.Compacted.class, e -> assertThat(e.compactedRevision()).isEqualTo(4));
    // rows left: a2 (latest at <= 4), c1, a3; a1 was superseded and b's history ended in a deletion
    assertThat(storage.logRowCount()).isEqualTo(3);
  }

  private List<String> listed(long revision) {
    return storage.list("/", revision).items().stream()
        .map(kv -> kv.key() + "=" + text(kv) + "@" + kv.modRevision())
        .toList();
  }

  @Test
  void compactionBeyondTheCurrentRevisionIsAFutureRevision() {
    storage.create("/a", bytes("x"));

    assertThatThrownBy(() -> storage.compact(5))
        .isInstanceOf(StorageException.FutureRevision.class);
    assertThat(storage.compactedRevision()).isZero();
  }

  @Test
  void compactingTheNewestDeletionKeepsTheRevision() {
    storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    storage.compact(2);
    storage.close();

    storage = SqliteStorage.open(dir.resolve("state.db"));

    assertThat(storage.logRowCount()).isZero();
    assertThat(storage.currentRevision()).isEqualTo(2);
    assertThat(storage.compactedRevision()).isEqualTo(2);
    assertThat(storage.create("/b", bytes("y")).modRevision()).isEqualTo(3);
  }

  @Test
  void reopeningKeepsDataAndContinuesRevisions() {
    KeyValue a = storage.create("/a", bytes("x"));
    storage.update("/a", bytes("y"), a.modRevision());
    storage.create("/b", bytes("z"));
    storage.close();

    storage = SqliteStorage.open(dir.resolve("state.db"));

    assertThat(storage.currentRevision()).isEqualTo(3);
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("y");
    assertThat(storage.list("/", 1).items())
        .extracting(SqliteStorageTest::text)
        .containsExactly("x");
    assertThat(storage.create("/c", bytes("w")).modRevision()).isEqualTo(4);
  }

  @Test
  void compactionBoundsTheLogUnderChurn() {
    int keys = 20;
    for (int i = 0; i < keys; i++) {
      storage.create("/k" + i, bytes("0"));
    }
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 2_000; i++) {
        String key = "/k" + (i % keys);
        storage.update(
            key, bytes(Integer.toString(i)), storage.get(key).orElseThrow().modRevision());
      }
      storage.compact(storage.currentRevision() - 100);
      storage.reclaimSpace();
      assertThat(storage.logRowCount()).isLessThanOrEqualTo(keys + 100);
    }
    assertThat(storage.list("/", 0).items()).hasSize(keys);
  }

  @Test
  void autoCompactionKeepsTheNewestRevisions() throws Exception {
    for (int i = 0; i < 300; i++) {
      storage.create("/k" + (i % 10) + "/" + i, bytes("v"));
      storage.delete("/k" + (i % 10) + "/" + i, 0);
    }
    storage.startAutoCompaction(java.time.Duration.ofMillis(20), 50);

    long deadline = System.nanoTime() + 10_000_000_000L;
    // the compacted revision is raised before rows are deleted, so wait for both
    while ((storage.compactedRevision() != 550 || storage.logRowCount() != 50)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(storage.compactedRevision()).isEqualTo(550);
    assertThat(storage.logRowCount()).isEqualTo(50);
  }

  @Test
  void powerLossDurabilityOpensAndWrites() {
    try (SqliteStorage full = SqliteStorage.open(dir.resolve("full.db"), Durability.POWER_LOSS)) {
      full.create("/a", bytes("x"));
      assertThat(full.get("/a")).isPresent();
    }
  }

  @Test
  void closedStorageRejectsCalls() {
    storage.close();

    assertThatThrownBy(() -> storage.create("/a", bytes("x"))).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> storage.get("/a")).isInstanceOf(StorageException.class);
  }
}
