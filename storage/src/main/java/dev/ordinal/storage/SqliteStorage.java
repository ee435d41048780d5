package dev.ordinal.storage;

import dev.ordinal.threads.Blocking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@link Storage} in one SQLite file in WAL mode, with an append-only revision log like kine's.
 *
 * <p>Writes go through one connection under {@link #writeLock}; each is one autocommitted INSERT of
 * a log row whose primary key is the new revision. Reads use a pool of separate connections, which
 * in WAL mode never wait for the writer. The current revision is the largest revision in the log
 * (or the compacted revision if compaction removed the newest row, a deletion), so a reopened store
 * continues where it stopped.
 *
 * <p>Durability: by default {@code synchronous=NORMAL}, which keeps every returned write across a
 * kill -9 of the JVM but not necessarily across power loss; see {@link Durability}.
 *
 * <p>Compaction: {@link #compact} first raises the compacted revision (memory and file) and only
 * then deletes rows. Reads check the compacted revision after their query, so a read that raced a
 * compaction fails with {@link StorageException.Compacted} instead of returning a thinned result.
 */
public final class SqliteStorage implements Storage {
  /** Revisions compacted per transaction, so compaction holds the write lock only briefly. */
  private static final long COMPACTION_CHUNK = 2_000;

  private static final int READERS = 4;
  private static final int VACUUM_PAGES_PER_RUN = 10_000;

  private final Path file;
  private final SqliteWriter writer;
  private final ReaderPool readers;
  private final WatchHub hub = new WatchHub();

  // sqlite-jdbc blocks in native code, so no virtual thread may call it (ARCHITECTURE.md,
  // "Threads"): writes run on one platform thread of their own (they are serialized anyway, and a
  // busy thread takes the next write without being woken), reads on as many as there are read
  // connections. Compaction runs on Blocking's shared pool, so writes go on between its chunks.
  private final ExecutorService writes = Executors.newSingleThreadExecutor(Blocking.platform("sqlite-writer"));
  private final ExecutorService reads = Executors.newFixedThreadPool(READERS, Blocking.platform("sqlite-reader"));

  /**
   * Serializes writes, revision assignment and publishing to watches. Lock order: {@link
   * #compactionLock} before {@link #writeLock}; the writer connection is used only under this lock.
   */
  private final ReentrantLock writeLock = new ReentrantLock();

  /** One compaction at a time; taken before {@link #writeLock}. */
  private final ReentrantLock compactionLock = new ReentrantLock();

  private volatile long currentRevision;
  private volatile long compactedRevision;
  private volatile boolean closed;
  private AutoCompactor autoCompactor;

  private SqliteStorage(Path file, SqliteWriter writer, ReaderPool readers) throws SQLException {
    this.file = file;
    this.writer = writer;
    this.readers = readers;
    this.compactedRevision = writer.meta(SqliteSchema.COMPACT_REVISION);
    this.currentRevision = Math.max(writer.maxRevision(), compactedRevision);
  }

  /** Opens (creating if needed) the store in {@code file}, surviving process crashes. */
  public static SqliteStorage open(Path file) {
    return open(file, Durability.PROCESS_CRASH);
  }

  /** Opens (creating if needed) the store in {@code file} with the given durability. */
  public static SqliteStorage open(Path file, Durability durability) {
    String url = "jdbc:sqlite:" + file.toAbsolutePath();
    Connection connection = null;
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      connection = DriverManager.getConnection(url);
      SqliteSchema.prepareWriter(connection, durability);
      SqliteWriter writer = new SqliteWriter(connection);
      ReaderPool readers;
      try {
        readers = new ReaderPool(url, READERS);
      } catch (SQLException e) {
        writer.close();
        throw e;
      }
      return new SqliteStorage(file, writer, readers);
    } catch (SQLException | java.io.IOException e) {
      closeQuietly(connection);
      throw new StorageException("cannot open " + file, e);
    }
  }

  /** The database file. */
  public Path file() {
    return file;
  }

  @Override
  public long currentRevision() {
    return currentRevision;
  }

  @Override
  public long compactedRevision() {
    return compactedRevision;
  }

  @Override
  public Optional<KeyValue> get(String key) {
    requireKey(key);
    Optional<LogRow> latest = read(statements -> LogQueries.latest(statements, key));
    return latest.filter(LogRow::isLive).map(LogRow::toKeyValue);
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    requireKey(key);
    requireValue(value);
    return onWriter(() -> createLocked(key, value));
  }

  private KeyValue createLocked(String key, byte[] value) {
    writeLock.lock();
    try {
      ensureOpen();
      Optional<LogRow> latest = writer.latest(key);
      if (latest.filter(LogRow::isLive).isPresent()) {
        throw new StorageException.KeyExists(key);
      }
      long revision = currentRevision + 1;
      long prevRevision = latest.map(LogRow::revision).orElse(0L);
      LogRow row = new LogRow(revision, key, value, revision, prevRevision, false);
      commit(row, new WatchEvent(WatchEvent.Type.PUT, row.toKeyValue(), null));
      return row.toKeyValue();
    } catch (SQLException e) {
      throw new StorageException("create " + key + " failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    requireKey(key);
    requireValue(value);
    return onWriter(() -> updateLocked(key, value, expectedModRevision));
  }

  private KeyValue updateLocked(String key, byte[] value, long expectedModRevision) {
    writeLock.lock();
    try {
      ensureOpen();
      LogRow current = writer.latest(key).filter(LogRow::isLive).orElseThrow(() -> notFound(key));
      if (current.revision() != expectedModRevision) {
        throw new StorageException.Conflict(key, expectedModRevision, current.revision());
      }
      long revision = currentRevision + 1;
      LogRow row =
          new LogRow(revision, key, value, current.createRevision(), current.revision(), false);
      commit(row, new WatchEvent(WatchEvent.Type.PUT, row.toKeyValue(), current.toKeyValue()));
      return row.toKeyValue();
    } catch (SQLException e) {
      throw new StorageException("update " + key + " failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    requireKey(key);
    return onWriter(() -> deleteLocked(key, expectedModRevision));
  }

  private KeyValue deleteLocked(String key, long expectedModRevision) {
    writeLock.lock();
    try {
      ensureOpen();
      LogRow current = writer.latest(key).filter(LogRow::isLive).orElseThrow(() -> notFound(key));
      if (expectedModRevision != 0 && current.revision() != expectedModRevision) {
        throw new StorageException.Conflict(key, expectedModRevision, current.revision());
      }
      long revision = currentRevision + 1;
      // The tombstone keeps the deleted value so that watch replays can report it.
      LogRow row =
          new LogRow(
              revision, key, current.value(), current.createRevision(), current.revision(), true);
      commit(row, new WatchEvent(WatchEvent.Type.DELETE, row.toKeyValue(), current.toKeyValue()));
      return row.toKeyValue();
    } catch (SQLException e) {
      throw new StorageException("delete " + key + " failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  /** Appends the row, then makes it visible: revision counter first, watches second. */
  private void commit(LogRow row, WatchEvent event) throws SQLException {
    writer.append(row);
    currentRevision = row.revision();
    hub.publish(event);
  }

  @Override
  public ListResult list(String prefix, long revision) {
    KeyRange range = KeyRange.ofPrefix(prefix);
    long current = currentRevision;
    long at = revision == 0 ? current : revision;
    if (at > current) {
      throw new StorageException.FutureRevision(revision, current);
    }
    requireNotCompacted(at);
    List<KeyValue> items = read(statements -> LogQueries.listAt(statements, range, at));
    // Compaction raises the compacted revision before deleting; checking again after the query
    // catches a compaction that removed rows this read needed.
    requireNotCompacted(at);
    return new ListResult(items, at);
  }

  @Override
  public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> sink) {
    KeyRange range = KeyRange.ofPrefix(prefix);
    if (sink == null) {
      throw new IllegalArgumentException("sink must not be null");
    }
    requireNotCompacted(afterRevision);
    WatchSubscription subscription = new WatchSubscription(range, afterRevision, sink, hub);
    long registeredAt;
    writeLock.lock();
    try {
      ensureOpen();
      registeredAt = currentRevision;
      hub.add(subscription);
    } finally {
      writeLock.unlock();
    }
    try {
      List<WatchEvent> replay =
          afterRevision >= registeredAt
              ? List.of()
              : read(
                  statements -> LogQueries.changes(statements, range, afterRevision, registeredAt));
      requireNotCompacted(afterRevision);
      subscription.startDelivery(replay);
      return subscription;
    } catch (RuntimeException e) {
      subscription.close();
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Compacting to a revision at or below the compacted one only finishes an interrupted
   * compaction. Rows are deleted in chunks of revisions, each in its own short transaction, so
   * writes continue in between.
   *
   * @throws StorageException.FutureRevision if {@code revision} is newer than the current one
   */
  @Override
  public void compact(long revision) {
    Blocking.run(() -> compactLocked(revision));
  }

  private void compactLocked(long revision) {
    compactionLock.lock();
    try {
      long target;
      writeLock.lock();
      try {
        ensureOpen();
        if (revision > currentRevision) {
          throw new StorageException.FutureRevision(revision, currentRevision);
        }
        if (revision > compactedRevision) {
          compactedRevision = revision;
          writer.setMeta(SqliteSchema.COMPACT_REVISION, revision);
        }
        target = compactedRevision;
      } finally {
        writeLock.unlock();
      }
      long progress = withWriter(() -> writer.meta(SqliteSchema.COMPACT_PROGRESS));
      while (progress < target) {
        long from = progress;
        long to = Math.min(progress + COMPACTION_CHUNK, target);
        withWriter(() -> writer.compactRange(from, to));
        progress = to;
      }
    } catch (SQLException e) {
      throw new StorageException("compaction to " + revision + " failed", e);
    } finally {
      compactionLock.unlock();
    }
  }

  /**
   * Checkpoints and truncates the WAL and returns free pages to the file system, so that the file
   * shrinks after compaction. Holds the write lock while it runs.
   */
  public void reclaimSpace() {
    withWriter(
        () -> {
          writer.reclaimSpace(VACUUM_PAGES_PER_RUN);
          return null;
        });
  }

  /**
   * Every {@code interval}, compacts away history older than the newest {@code keepRevisions}
   * revisions and then {@linkplain #reclaimSpace reclaims space}. Under steady churn the log then
   * holds at most one row per live key plus {@code keepRevisions} rows plus one interval's writes.
   * Replaces an earlier schedule; stopped by {@link #close}.
   */
  public synchronized void startAutoCompaction(Duration interval, long keepRevisions) {
    ensureOpen();
    if (autoCompactor != null) {
      autoCompactor.close();
    }
    autoCompactor = new AutoCompactor(this, interval, keepRevisions);
  }

  /** The number of rows in the log, history included; for tests and metrics. */
  public long logRowCount() {
    return read(
        statements -> {
          try (var rows = statements.get("SELECT count(*) FROM kv_log").executeQuery()) {
            rows.next();
            return rows.getLong(1);
          }
        });
  }

  /** The number of open watches; for tests and metrics. */
  public int watchCount() {
    return hub.size();
  }

  @Override
  public void close() {
    AutoCompactor compactor;
    synchronized (this) {
      compactor = autoCompactor;
      autoCompactor = null;
    }
    if (compactor != null) {
      compactor.close();
    }
    compactionLock.lock();
    writeLock.lock();
    try {
      if (closed) {
        return;
      }
      // From here every write, compaction and new watch fails its ensureOpen check under the lock.
      closed = true;
    } finally {
      writeLock.unlock();
      compactionLock.unlock();
    }
    // Outside the lock: closing a watch waits for its sink, which may itself be calling us.
    hub.closeAll();
    writes.shutdown();
    reads.shutdown();
    readers.close();
    try {
      writer.close();
    } catch (SQLException e) {
      throw new StorageException("closing " + file + " failed", e);
    }
  }

  @FunctionalInterface
  private interface WriterAction<T> {
    T run() throws SQLException;
  }

  private <T> T withWriter(WriterAction<T> action) {
    return onWriter(() -> withWriterHere(action));
  }

  private <T> T onWriter(Blocking.Call<T, RuntimeException> call) {
    try {
      return Blocking.callOn(writes, call);
    } catch (RejectedExecutionException e) {
      throw new StorageException("storage " + file + " is closed");
    }
  }

  private <T> T withWriterHere(WriterAction<T> action) {
    writeLock.lock();
    try {
      ensureOpen();
      return action.run();
    } catch (SQLException e) {
      throw new StorageException("write to " + file + " failed", e);
    } finally {
      writeLock.unlock();
    }
  }

  private <T> T read(ReaderPool.Read<T> read) {
    ensureOpen();
    try {
      return Blocking.callOn(reads, () -> readers.read(read));
    } catch (SQLException e) {
      throw new StorageException("read from " + file + " failed", e);
    } catch (RejectedExecutionException e) {
      throw new StorageException("storage " + file + " is closed");
    }
  }

  private void requireNotCompacted(long revision) {
    long compacted = compactedRevision;
    if (revision < compacted) {
      throw new StorageException.Compacted(revision, compacted);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("storage " + file + " is closed");
    }
  }

  private static StorageException.KeyNotFound notFound(String key) {
    return new StorageException.KeyNotFound(key);
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  private static void requireValue(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("value must not be null");
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Already failing; the original exception is the one to report.
      }
    }
  }
}
