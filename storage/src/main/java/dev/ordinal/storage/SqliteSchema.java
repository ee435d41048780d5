package dev.ordinal.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The tables of the SQLite store and the settings every connection needs.
 *
 * <p>{@code kv_log} holds one row per revision, as kine does: the current value of a key is its
 * latest row, and the value as of revision R is its latest row at or below R. {@code meta} holds
 * the compacted revision and how far compaction has got, so an interrupted compaction resumes.
 */
final class SqliteSchema {
  static final String COMPACT_REVISION = "compact_revision";
  static final String COMPACT_PROGRESS = "compact_progress";

  private static final int BUSY_TIMEOUT_MILLIS = 10_000;

  private SqliteSchema() {}

  /** Settings and tables for the one writing connection; idempotent. */
  static void prepareWriter(Connection connection, Durability durability) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
      if (!hasTables(statement)) {
        // Only takes effect before the first table exists; lets incremental_vacuum shrink the file.
        statement.execute("PRAGMA auto_vacuum = INCREMENTAL");
      }
      statement.execute("PRAGMA journal_mode = WAL");
      statement.execute("PRAGMA synchronous = " + durability.synchronousPragma());
      statement.execute("PRAGMA temp_store = MEMORY");
      statement.execute(
          """
          CREATE TABLE IF NOT EXISTS kv_log (
            revision INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            value BLOB NOT NULL,
            create_revision INTEGER NOT NULL,
            prev_revision INTEGER NOT NULL,
            deleted INTEGER NOT NULL
          )\
          """);
      statement.execute("CREATE INDEX IF NOT EXISTS kv_log_key_revision ON kv_log (key, revision)");
      statement.execute(
          "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    }
  }

  /** Settings for a reading connection. */
  static void prepareReader(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MILLIS);
      statement.execute("PRAGMA temp_store = MEMORY");
      statement.execute("PRAGMA query_only = 1");
    }
  }

  private static boolean hasTables(Statement statement) throws SQLException {
    try (ResultSet rows =
        statement.executeQuery("SELECT count(*) FROM sqlite_master WHERE type = 'table'")) {
      return rows.next() && rows.getLong(1) > 0;
    }
  }
}
