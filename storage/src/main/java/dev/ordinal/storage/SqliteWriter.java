package dev.ordinal.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * The one connection that writes. Not thread-safe: {@link SqliteStorage} calls it only while
 * holding its write lock, which is what serializes revisions.
 */
final class SqliteWriter implements AutoCloseable {
  private static final String INSERT =
      "INSERT INTO kv_log (revision, key, value, create_revision, prev_revision, deleted)"
          + " VALUES (?, ?, ?, ?, ?, ?)";

  private static final String SET_META =
      "INSERT INTO meta (name, value) VALUES (?, ?)"
          + " ON CONFLICT (name) DO UPDATE SET value = excluded.value";

  // A row is superseded once a later row of the same key exists; that later row names it.
  private static final String DELETE_SUPERSEDED =
      "DELETE FROM kv_log WHERE revision IN (SELECT prev_revision FROM kv_log"
          + " WHERE revision > ? AND revision <= ? AND prev_revision > 0)";

  private static final String DELETE_TOMBSTONES =
      "DELETE FROM kv_log WHERE revision > ? AND revision <= ? AND deleted = 1";

  private final StatementCache statements;

  SqliteWriter(Connection connection) {
    this.statements = new StatementCache(connection);
  }

  Optional<LogRow> latest(String key) throws SQLException {
    return LogQueries.latest(statements, key);
  }

  long maxRevision() throws SQLException {
    return LogQueries.maxRevision(statements);
  }

  long meta(String name) throws SQLException {
    return LogQueries.meta(statements, name);
  }

  /** Appends one row in its own transaction; when this returns the row is committed. */
  void append(LogRow row) throws SQLException {
    PreparedStatement insert = statements.get(INSERT);
    insert.setLong(1, row.revision());
    insert.setString(2, row.key());
    insert.setBytes(3, row.value());
    insert.setLong(4, row.createRevision());
    insert.setLong(5, row.prevRevision());
    insert.setInt(6, row.deleted() ? 1 : 0);
    insert.executeUpdate();
  }

  void setMeta(String name, long value) throws SQLException {
    PreparedStatement upsert = statements.get(SET_META);
    upsert.setString(1, name);
    upsert.setLong(2, value);
    upsert.executeUpdate();
  }

  /**
   * Removes, in one transaction, the rows made obsolete by the rows with revisions in {@code (from,
   * to]}: the rows they supersede and the deletions among them. Records {@code to} as the
   * compaction progress in the same transaction, so a crash never loses track of what is left.
   *
   * @return the number of rows removed
   */
  int compactRange(long from, long to) throws SQLException {
    Connection connection = statements.connection();
    connection.setAutoCommit(false);
    try {
      int removed = deleteBetween(DELETE_SUPERSEDED, from, to);
      removed += deleteBetween(DELETE_TOMBSTONES, from, to);
      setMeta(SqliteSchema.COMPACT_PROGRESS, to);
      connection.commit();
      return removed;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /**
   * Moves the WAL into the database file and truncates it, then returns up to {@code maxPages} free
   * pages to the file system. Both only make the file smaller; neither changes data.
   */
  void reclaimSpace(int maxPages) throws SQLException {
    try (Statement statement = statements.connection().createStatement()) {
      statement.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      statement.execute("PRAGMA incremental_vacuum(" + maxPages + ")");
    }
  }

  private int deleteBetween(String sql, long from, long to) throws SQLException {
    PreparedStatement delete = statements.get(sql);
    delete.setLong(1, from);
    delete.setLong(2, to);
    return delete.executeUpdate();
  }

  @Override
  public void close() throws SQLException {
    statements.close();
  }
}
