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

/** The {@link StorageContract} on SQLite, and what only SQLite does (its log, its file). */
class SqliteStorageTest extends StorageContract {
  @TempDir Path dir;

  @Override
  protected Storage open() {
    return SqliteStorage.open(dir.resolve("state.db"));
  }

  private SqliteStorage sqlite() {
    return (SqliteStorage) storage;
  }

  @Test
  void emptyStoreIsAtRevisionZero() {
    assertThat(storage.currentRevision()).isZero();
    assertThat(storage.compactedRevision()).isZero();
    assertThat(storage.get("/a")).isEmpty();
    assertThat(storage.list("/", 0).items()).isEmpty();
  }

  @Test
  void compactingTheNewestDeletionKeepsTheRevision() {
    storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    storage.compact(2);
    storage.close();

    storage = open();

    assertThat(sqlite().logRowCount()).isZero();
    assertThat(storage.currentRevision()).isEqualTo(2);
    assertThat(storage.compactedRevision()).isEqualTo(2);
    assertThat(storage.create("/b", bytes("y")).modRevision()).isEqualTo(3);
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
      sqlite().reclaimSpace();
      assertThat(sqlite().logRowCount()).isLessThanOrEqualTo(keys + 100);
    }
    assertThat(storage.list("/", 0).items()).hasSize(keys);
  }

  @Test
  void autoCompactionKeepsTheNewestRevisions() throws Exception {
    for (int i = 0; i < 300; i++) {
      storage.create("/k" + (i % 10) + "/" + i, bytes("v"));
      storage.delete("/k" + (i % 10) + "/" + i, 0);
    }
    sqlite().startAutoCompaction(java.time.Duration.ofMillis(20), 50);

    long deadline = System.nanoTime() + 10_000_000_000L;
    // the compacted revision is raised before rows are deleted, so wait for both
    while ((storage.compactedRevision() != 550 || sqlite().logRowCount() != 50)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(storage.compactedRevision()).isEqualTo(550);
    assertThat(sqlite().logRowCount()).isEqualTo(50);
  }

  @Test
  void powerLossDurabilityOpensAndWrites() {
    try (SqliteStorage full = SqliteStorage.open(dir.resolve("full.db"), Durability.POWER_LOSS)) {
      full.create("/a", bytes("x"));
      assertThat(full.get("/a")).isPresent();
    }
  }


  @Test
  void compactionLeavesOnlyTheRowsItMust() {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    storage.create("/b", bytes("b1")); // 2
    a = storage.update("/a", bytes("a2"), a.modRevision()); // 3
    storage.delete("/b", 0); // 4
    storage.create("/c", bytes("c1")); // 5
    storage.update("/a", bytes("a3"), a.modRevision()); // 6

    storage.compact(4);

    // rows left: a2 (latest at <= 4), c1, a3; a1 was superseded and b's history ended in a deletion
    assertThat(sqlite().logRowCount()).isEqualTo(3);
  }
}
