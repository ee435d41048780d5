package dev.ordinal.storage;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} in one SQLite file, the way kine keeps Kubernetes' state in SQL: an append-only
 * log of rows, one per write, keyed by revision. The latest row of a key is its value (or its
 * deletion); a list at revision R takes each key's latest row at or below R. Compaction removes
 * rows that a newer row of the same key supersedes at or below the compaction revision.
 *
 * <p>Durability: WAL mode with {@code synchronous=NORMAL}. A commit is in the WAL file before the
 * write returns, so it survives the process being killed; only a crash of the machine itself
 * can lose the last commits (use {@code FULL} for that, at a cost of an fsync per write).
 *
 * <p>Concurrency: one writer connection, serialized by {@link #writeLock}; a small pool of reader
 * connections that WAL lets read while the writer writes.
 */
public final class SqliteStorage implements Storage {
  private static final Logger log = LoggerFactory.getLogger(SqliteStorage.class);
  private static final int READERS = 4;

  private final String url;
  private final Connection writer;
  private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
  private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  // Lock order: writeLock before anything a subscription holds. Guards revision, compacted and
  // the writer connection, and makes publishing to subscribers atomic with the commit.
  private final ReentrantLock writeLock = new ReentrantLock();
  private long revision;
  private volatile long compacted;
  private ScheduledExecutorService compactor;

  private SqliteStorage(String url, boolean fsyncEveryCommit) throws SQLException {
    this.url = url;
    this.writer = DriverManager.getConnection(url);
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA auto_vacuum=INCREMENTAL");
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + (fsyncEveryCommit ? "FULL" : "NORMAL"));
      s.execute("PRAGMA busy_timeout=10000");
      s.execute("""
          CREATE TABLE IF NOT EXISTS kv (
            revision INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            deleted INTEGER NOT NULL)""");
      s.execute("CREATE INDEX IF NOT EXISTS kv_key_revision ON kv (key, revision)");
      s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    }
    try (Statement s = writer.createStatement();
        ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(revision), 0) FROM kv")) {
      rs.next();
      revision = rs.getLong(1);
    }
    try (Statement s = writer.createStatement();
        ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE name = 'compacted'")) {
      compacted = rs.next() ? rs.getLong(1) : 0;
    }
    // the revision counter never goes back, even when compaction removed the newest rows' history
    revision = Math.max(revision, compacted);
    for (int i = 0; i < READERS; i++) {
      Connection c = DriverManager.getConnection(url);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=10000");
      }
      readers.add(c);
    }
  }

  /** Opens (creating if needed) the store in {@code file}. */
  public static SqliteStorage open(Path file) {
    return open(file, false);
  }

  /** With {@code fsyncEveryCommit}, every write is also safe from a machine crash. */
  public static SqliteStorage open(Path file, boolean fsyncEveryCommit) {
    try {
      return new SqliteStorage("jdbc:sqlite:" + file.toAbsolutePath(), fsyncEveryCommit);
    } catch (SQLException e) {
      throw new StorageException("cannot open " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public long currentRevision() {
    writeLock.lock();
    try {
      return revision;
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public long compactedRevision() {
    return compacted;
  }

  // ---- reads

  private interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(Read<T> body) {
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted");
    }
    try {
      return body.run(c);
    } catch (SQLException e) {
      throw new StorageException("read failed: " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  private static final String LATEST =
      "SELECT revision, value, create_revision, deleted FROM kv WHERE key = ? ORDER BY revision DESC LIMIT 1";

  @Override
  public Optional<KeyValue> get(String key) {
    return read(c -> latest(c, key)).filter(r -> !r.deleted()).map(Row::kv);
  }

  private record Row(KeyValue kv, boolean deleted) {}

  private static Optional<Row> latest(Connection c, String key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(LATEST)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Row(new KeyValue(key, rs.getBytes(2), rs.getLong(3), rs.getLong(1)), rs.getInt(4) != 0));
      }
    }
  }

  @Override
  public ListResult list(String prefix, long atRevision) {
    long current = currentRevision();
    long at = atRevision == 0 ? current : atRevision;
    if (at > current) {
      throw new StorageException.FutureRevision(at, current);
    }
    if (at < compacted) {
      throw new StorageException.Compacted(at, compacted);
    }
    List<KeyValue> items = read(c -> {
      List<KeyValue> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT k.key, k.value, k.create_revision, k.revision FROM kv k
          JOIN (SELECT key, MAX(revision) AS r FROM kv WHERE key >= ? AND key < ? AND revision <= ? GROUP BY key) m
            ON k.revision = m.r
          WHERE k.deleted = 0 ORDER BY k.key""")) {
        ps.setString(1, prefix);
        ps.setString(2, prefixEnd(prefix));
        ps.setLong(3, at);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new KeyValue(rs.getString(1), rs.getBytes(2), rs.getLong(3), rs.getLong(4)));
          }
        }
      }
      return out;
    });
    return new ListResult(items, at);
  }

  private static String prefixEnd(String prefix) {
    return prefix + Character.MAX_VALUE;
  }

  // ---- writes

  private interface Write<T> {
    T run(Optional<Row> current, long next) throws SQLException;
  }

  /** Runs one write under the lock: reads the key's latest row, lets {@code body} insert the next one. */
  private <T> T write(String key, Write<T> body) {
    writeLock.lock();
    try {
      Optional<Row> current = latest(writer, key);
      return body.run(current, revision + 1);
    } catch (SQLException e) {
      throw new StorageException("write failed: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  private void insert(long rev, String key, byte[] value, long createRev, long prevRev, boolean deleted) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement(
        "INSERT INTO kv (revision, key, value, create_revision, prev_revision, deleted) VALUES (?, ?, ?, ?, ?, ?)")) {
      ps.setLong(1, rev);
      ps.setString(2, key);
      ps.setBytes(3, value);
      ps.setLong(4, createRev);
      ps.setLong(5, prevRev);
      ps.setInt(6, deleted ? 1 : 0);
      ps.executeUpdate();
    }
    revision = rev;
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    return write(key, (current, next) -> {
      if (current.isPresent() && !current.get().deleted()) {
        throw new StorageException.KeyExists(key);
      }
      insert(next, key, value, next, 0, false);
      KeyValue kv = new KeyValue(key, value, next, next);
      publish(new WatchEvent(WatchEvent.Type.PUT, kv, null));
      return kv;
    });
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    return write(key, (current, next) -> {
      KeyValue prev = live(key, current);
      if (prev.modRevision() != expectedModRevision) {
        throw new StorageException.Conflict(key, expectedModRevision, prev.modRevision());
      }
      insert(next, key, value, prev.createRevision(), prev.modRevision(), false);
      KeyValue kv = new KeyValue(key, value, prev.createRevision(), next);
      publish(new WatchEvent(WatchEvent.Type.PUT, kv, prev));
      return kv;
    });
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    return write(key, (current, next) -> {
      KeyValue prev = live(key, current);
      if (expectedModRevision != 0 && prev.modRevision() != expectedModRevision) {
        throw new StorageException.Conflict(key, expectedModRevision, prev.modRevision());
      }
      insert(next, key, prev.value(), prev.createRevision(), prev.modRevision(), true);
      KeyValue kv = new KeyValue(key, prev.value(), prev.createRevision(), next);
      publish(new WatchEvent(WatchEvent.Type.DELETE, kv, prev));
      return kv;
    });
  }

  private static KeyValue live(String key, Optional<Row> current) {
    if (current.isEmpty() || current.get().deleted()) {
      throw new StorageException.KeyNotFound(key);
    }
    return current.get().kv();
  }

  // ---- watch

  private void publish(WatchEvent e) {
    for (Subscription s : subscriptions) {
      s.offer(e);
    }
  }

  @Override
  public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> sink) {
    Subscription sub;
    long upTo;
    writeLock.lock();
    try {
      if (afterRevision < compacted) {
        throw new StorageException.Compacted(afterRevision, compacted);
      }
      upTo = revision;
      sub = new Subscription(prefix, sink);
      subscriptions.add(sub);
    } finally {
      writeLock.unlock();
    }
    Subscription s = sub;
    s.start(() -> replay(prefix, afterRevision, upTo, s));
    return () -> {
      subscriptions.remove(s);
      s.close();
    };
  }

  /** Delivers the stored changes in (after, upTo], before the live ones queued since registration. */
  private void replay(String prefix, long after, long upTo, Subscription s) {
    if (after >= upTo) {
      return;
    }
    read(c -> {
      try (PreparedStatement ps = c.prepareStatement("""
          SELECT revision, key, value, create_revision, prev_revision, deleted FROM kv
          WHERE revision > ? AND revision <= ? AND key >= ? AND key < ? ORDER BY revision""")) {
        ps.setLong(1, after);
        ps.setLong(2, upTo);
        ps.setString(3, prefix);
        ps.setString(4, prefixEnd(prefix));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next() && !s.closed()) {
            String key = rs.getString(2);
            KeyValue kv = new KeyValue(key, rs.getBytes(3), rs.getLong(4), rs.getLong(1));
            long prevRev = rs.getLong(5);
            KeyValue prev = prevRev == 0 ? null : new KeyValue(key, null, rs.getLong(4), prevRev);
            s.deliver(new WatchEvent(rs.getInt(6) != 0 ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT, kv, prev));
          }
        }
      }
      return null;
    });
  }

  // ---- compaction

  @Override
  public void compact(long atRevision) {
    writeLock.lock();
    try {
      long at = Math.min(atRevision, revision);
      if (at <= compacted) {
        return;
      }
      writer.setAutoCommit(false);
      try (PreparedStatement superseded = writer.prepareStatement("""
              DELETE FROM kv WHERE revision < ? AND revision IN (
                SELECT k.revision FROM kv k WHERE k.revision < ? AND EXISTS (
                  SELECT 1 FROM kv n WHERE n.key = k.key AND n.revision > k.revision AND n.revision <= ?))""");
          PreparedStatement tombstones = writer.prepareStatement("DELETE FROM kv WHERE revision <= ? AND deleted = 1");
          PreparedStatement mark = writer.prepareStatement(
              "INSERT INTO meta (name, value) VALUES ('compacted', ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value")) {
        superseded.setLong(1, at);
        superseded.setLong(2, at);
        superseded.setLong(3, at);
        superseded.executeUpdate();
        tombstones.setLong(1, at);
        tombstones.executeUpdate();
        mark.setLong(1, at);
        mark.executeUpdate();
        writer.commit();
        compacted = at;
      } catch (SQLException e) {
        writer.rollback();
        throw e;
      } finally {
        writer.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException("compaction failed: " + e.getMessage(), e);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Compacts every {@code interval}, keeping the last {@code keepRevisions} revisions, and gives
   * the freed pages back to the file system, so the file stays bounded under churn.
   */
  public void startAutoCompaction(Duration interval, long keepRevisions) {
    compactor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("compactor").unstarted(r));
    compactor.scheduleWithFixedDelay(() -> {
      try {
        long target = currentRevision() - keepRevisions;
        if (target > compacted) {
          compact(target);
          reclaim();
        }
      } catch (RuntimeException e) {
        log.warn("compaction failed: {}", e.getMessage());
      }
    }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void reclaim() {
    writeLock.lock();
    try (Statement s = writer.createStatement()) {
      s.execute("PRAGMA incremental_vacuum");
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (SQLException e) {
      log.warn("reclaiming space failed: {}", e.getMessage());
    } finally {
      writeLock.unlock();
    }
  }

  /** Rows kept (history included); for tests of compaction. */
  long rowCount() {
    return read(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM kv")) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Override
  public void close() {
    if (compactor != null) {
      compactor.shutdownNow();
    }
    for (Subscription s : subscriptions) {
      s.close();
    }
    subscriptions.clear();
    writeLock.lock();
    try {
      writer.close();
      for (Connection c : readers) {
        c.close();
      }
    } catch (SQLException e) {
      log.warn("closing the store: {}", e.getMessage());
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public String toString() {
    return "SqliteStorage[" + url + "]";
  }
}
