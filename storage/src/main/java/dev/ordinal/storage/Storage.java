package dev.ordinal.storage;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * A multi-version key-value store with one global revision counter, shaped like etcd's KV and
 * Watch APIs so that an etcd implementation can sit behind it. Every successful write increments
 * the revision by one; the write's revision is the new {@code modRevision} of its key.
 *
 * <p>Implementations are thread-safe. A write that has returned is durable: it survives the
 * process being killed.
 */
public interface Storage extends AutoCloseable {

  /** The revision of the latest write (0 for an empty store). */
  long currentRevision();

  /** The oldest revision that lists and watches may still start from. */
  long compactedRevision();

  /** The latest value of a key, if it exists. */
  Optional<KeyValue> get(String key);

  /**
   * Creates a key. Returns the stored value with its new revision.
   *
   * @throws StorageException.KeyExists if the key exists
   */
  KeyValue create(String key, byte[] value);

  /**
   * Replaces the value of an existing key if its modRevision is {@code expectedModRevision}.
   *
   * @throws StorageException.KeyNotFound if the key does not exist
   * @throws StorageException.Conflict if the key was written since {@code expectedModRevision}
   */
  KeyValue update(String key, byte[] value, long expectedModRevision);

  /**
   * Deletes a key if its modRevision is {@code expectedModRevision} (0: whatever it is). Returns
   * the deleted value with {@code modRevision} set to the deletion's revision.
   *
   * @throws StorageException.KeyNotFound if the key does not exist
   * @throws StorageException.Conflict if the key was written since {@code expectedModRevision}
   */
  KeyValue delete(String key, long expectedModRevision);

  /**
   * The keys starting with {@code prefix} as of {@code revision} (0: the current revision).
   *
   * @throws StorageException.Compacted if {@code revision} is older than {@link #compactedRevision}
   * @throws StorageException.FutureRevision if {@code revision} is newer than the current one
   */
  ListResult list(String prefix, long revision);

  /**
   * Delivers every change to keys starting with {@code prefix} with a revision greater than
   * {@code afterRevision}, first the stored history and then live changes, in revision order, on
   * one thread per watch. The sink must not block for long. Closing the returned handle stops
   * delivery.
   *
   * @throws StorageException.Compacted if changes after {@code afterRevision} were compacted
   */
  AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> sink);

  /**
   * Discards history older than {@code revision}: afterwards the latest value of every key as of
   * {@code revision} is still readable, older values and deletions are not.
   */
  void compact(long revision);

  /**
   * Asks every open watch to report, through {@link WatchSink#progress}, the revision it has
   * delivered everything up to, even when no key under its prefix changed (etcd's progress
   * request). A store whose watches see every revision need do nothing.
   */
  default void requestProgress() {}

  @Override
  void close();
}
