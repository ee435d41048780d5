package dev.ordinal.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Storage} must do, run against SQLite ({@code SqliteStorageTest}) and a real
 * etcd ({@code EtcdStorageIT}). Revisions are counted from {@link #base}, the store's revision
 * when the test starts (0 for a new SQLite file, 1 for a new etcd, more for an etcd shared by a
 * class's tests, each in a key namespace of its own).
 */
public abstract class StorageContract {
  protected Storage storage;
  protected long base;

  /** A store for one test; {@link #reopen} must find the same data. */
  protected abstract Storage open();

  protected void reopen() {
    storage.close();
    storage = open();
  }

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

  public static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  public static String text(KeyValue kv) {
    return new String(kv.value(), StandardCharsets.UTF_8);
  }

  static List<String> keys(ListResult result) {
    return result.items().stream().map(KeyValue::key).toList();
  }

  @Test
  void aNewStoreIsEmpty() {
    assertThat(storage.compactedRevision()).isLessThanOrEqualTo(base);
    assertThat(storage.get("/a")).isEmpty();
    assertThat(storage.list("/", 0).items()).isEmpty();
  }

  @Test
  void createAssignsTheNextRevisionAsCreateAndModRevision() {
    KeyValue first = storage.create("/pods/a", bytes("one"));
    KeyValue second = storage.create("/pods/b", bytes("two"));

    assertThat(first.createRevision()).isEqualTo(r(1));
    assertThat(first.modRevision()).isEqualTo(r(1));
    assertThat(second.modRevision()).isEqualTo(r(2));
    assertThat(storage.currentRevision()).isEqualTo(r(2));
    assertThat(storage.get("/pods/a")).hasValueSatisfying(kv -> assertThat(text(kv)).isEqualTo("one"));
  }

  @Test
  void createOfAnExistingKeyFailsWithoutUsingARevision() {
    storage.create("/a", bytes("x"));

    assertThatThrownBy(() -> storage.create("/a", bytes("y"))).isInstanceOf(StorageException.KeyExists.class);
    assertThat(storage.currentRevision()).isEqualTo(r(1));
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("x");
  }

  @Test
  void updateKeepsCreateRevisionAndChecksTheExpectedModRevision() {
    KeyValue created = storage.create("/a", bytes("v1"));
    KeyValue updated = storage.update("/a", bytes("v2"), created.modRevision());

    assertThat(updated.createRevision()).isEqualTo(created.createRevision());
    assertThat(updated.modRevision()).isEqualTo(r(2));
    assertThatThrownBy(() -> storage.update("/a", bytes("v3"), created.modRevision()))
        .isInstanceOfSatisfying(StorageException.Conflict.class, e -> assertThat(e.actualRevision()).isEqualTo(r(2)));
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("v2");
  }

  @Test
  void updateOfAMissingOrDeletedKeyIsNotFound() {
    assertThatThrownBy(() -> storage.update("/missing", bytes("x"), 1)).isInstanceOf(StorageException.KeyNotFound.class);
    assertThatThrownBy(() -> storage.update("/missing", bytes("x"), 0)).isInstanceOf(StorageException.KeyNotFound.class);
    KeyValue created = storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    assertThatThrownBy(() -> storage.update("/a", bytes("y"), created.modRevision()))
        .isInstanceOf(StorageException.KeyNotFound.class);
    assertThat(storage.get("/missing")).isEmpty();
  }

  @Test
  void deleteReturnsTheDeletedValueAtTheDeletionRevision() {
    KeyValue created = storage.create("/a", bytes("x"));
    KeyValue deleted = storage.delete("/a", created.modRevision());

    assertThat(text(deleted)).isEqualTo("x");
    assertThat(deleted.modRevision()).isEqualTo(r(2));
    assertThat(deleted.createRevision()).isEqualTo(r(1));
    assertThat(storage.get("/a")).isEmpty();
    assertThatThrownBy(() -> storage.delete("/a", 0)).isInstanceOf(StorageException.KeyNotFound.class);
  }

  @Test
  void deleteWithAStaleRevisionConflictsAndWithZeroAlwaysDeletes() {
    KeyValue created = storage.create("/a", bytes("x"));
    storage.update("/a", bytes("y"), created.modRevision());

    assertThatThrownBy(() -> storage.delete("/a", created.modRevision())).isInstanceOf(StorageException.Conflict.class);
    assertThat(storage.delete("/a", 0).modRevision()).isEqualTo(r(3));
  }

  @Test
  void aKeyCreatedAgainAfterDeletionStartsANewLife() {
    storage.create("/a", bytes("x"));
    storage.delete("/a", 0);
    KeyValue again = storage.create("/a", bytes("y"));

    assertThat(again.createRevision()).isEqualTo(r(3));
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("y");
  }

  @Test
  void revisionsIncreaseByOnePerSuccessfulWrite() {
    long last = base;
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
    assertThat(result.revision()).isEqualTo(r(5));
    assertThat(keys(storage.list("/pods/ns1/", 0))).containsExactly("/pods/ns1/a", "/pods/ns1/b");
    assertThat(keys(storage.list("", 0))).hasSize(5);
  }

  @Test
  void aLongListIsCompleteAndAtOneRevision() {
    for (int i = 0; i < 1_234; i++) {
      storage.create(String.format("/many/%05d", i), bytes("v" + i));
    }
    long at = storage.currentRevision();
    storage.delete("/many/00007", 0);
    storage.create("/many/99999", bytes("later"));

    ListResult then = storage.list("/many/", at);

    assertThat(then.items()).hasSize(1_234);
    assertThat(then.revision()).isEqualTo(at);
    assertThat(keys(then)).isSorted().contains("/many/00007").doesNotContain("/many/99999");
    assertThat(storage.list("/many/", 0).items()).hasSize(1_234);
  }

  @Test
  void listAtAPastRevisionShowsTheValuesAsTheyWere() {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    storage.create("/b", bytes("b1")); // 2
    storage.update("/a", bytes("a2"), a.modRevision()); // 3
    storage.delete("/b", 0); // 4
    storage.create("/c", bytes("c1")); // 5

    assertThat(storage.list("/", r(2)).items())
        .extracting(KeyValue::key, StorageContract::text, KeyValue::modRevision)
        .containsExactly(tuple("/a", "a1", r(1)), tuple("/b", "b1", r(2)));
    assertThat(storage.list("/", r(3)).items()).extracting(StorageContract::text).containsExactly("a2", "b1");
    assertThat(keys(storage.list("/", r(4)))).containsExactly("/a");
    assertThat(keys(storage.list("/", r(5)))).containsExactly("/a", "/c");
    assertThat(storage.list("/", r(4)).revision()).isEqualTo(r(4));
  }

  @Test
  void listBeyondTheCurrentRevisionIsAFutureRevision() {
    storage.create("/a", bytes("x"));

    assertThatThrownBy(() -> storage.list("/", r(2))).isInstanceOf(StorageException.FutureRevision.class);
  }

  @Test
  void compactionKeepsListsAtAndAfterTheCompactedRevisionCorrect() {
    KeyValue a = storage.create("/a", bytes("a1")); // 1
    storage.create("/b", bytes("b1")); // 2
    a = storage.update("/a", bytes("a2"), a.modRevision()); // 3
    storage.delete("/b", 0); // 4
    storage.create("/c", bytes("c1")); // 5
    storage.update("/a", bytes("a3"), a.modRevision()); // 6
    List<List<String>> before = List.of(listed(r(4)), listed(r(5)), listed(r(6)));

    storage.compact(r(4));

    assertThat(storage.compactedRevision()).isEqualTo(r(4));
    assertThat(List.of(listed(r(4)), listed(r(5)), listed(r(6)))).isEqualTo(before);
    assertThatThrownBy(() -> storage.list("/", r(3)))
        .isInstanceOfSatisfying(StorageException.Compacted.class, e -> assertThat(e.compactedRevision()).isEqualTo(r(4)));
  }

  protected List<String> listed(long revision) {
    return storage.list("/", revision).items().stream().map(kv -> kv.key() + "=" + text(kv) + "@" + kv.modRevision()).toList();
  }

  @Test
  void compactionBeyondTheCurrentRevisionIsAFutureRevision() {
    storage.create("/a", bytes("x"));

    assertThatThrownBy(() -> storage.compact(r(5))).isInstanceOf(StorageException.FutureRevision.class);
    assertThat(storage.compactedRevision()).isLessThanOrEqualTo(base);
  }

  @Test
  void reopeningKeepsDataAndContinuesRevisions() {
    KeyValue a = storage.create("/a", bytes("x"));
    storage.update("/a", bytes("y"), a.modRevision());
    storage.create("/b", bytes("z"));

    reopen();

    assertThat(storage.currentRevision()).isEqualTo(r(3));
    assertThat(text(storage.get("/a").orElseThrow())).isEqualTo("y");
    assertThat(storage.list("/", r(1)).items()).extracting(StorageContract::text).containsExactly("x");
    assertThat(storage.create("/c", bytes("w")).modRevision()).isEqualTo(r(4));
  }

  @Test
  void closedStorageRejectsCalls() {
    storage.close();

    assertThatThrownBy(() -> storage.create("/a", bytes("x"))).isInstanceOf(StorageException.class);
    assertThatThrownBy(() -> storage.get("/a")).isInstanceOf(StorageException.class);
  }
}
