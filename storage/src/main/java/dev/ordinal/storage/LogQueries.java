package dev.ordinal.storage;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The reads of the revision log. Every query is one SQL statement, so it sees one consistent
 * snapshot of the WAL database; callers that need two reads to agree read the meta values
 * afterwards (see {@link SqliteStorage}) rather than holding a transaction open.
 */
final class LogQueries {
  private static final String LATEST =
      "SELECT revision, key, value, create_revision, prev_revision, deleted FROM kv_log"
          + " WHERE key = ? ORDER BY revision DESC LIMIT 1";

  private static final String MAX_REVISION = "SELECT coalesce(max(revision), 0) FROM kv_log";

  private static final String META = "SELECT value FROM meta WHERE name = ?";

  private LogQueries() {}

  /** The latest row of {@code key}, a value or a deletion. */
  static Optional<LogRow> latest(StatementCache statements, String key) throws SQLException {
    PreparedStatement query = statements.get(LATEST);
    query.setString(1, key);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? Optional.of(logRow(rows)) : Optional.empty();
    }
  }

  /**
   * For every key in {@code range}, its latest row at or below {@code revision} unless that row is
   * a deletion, sorted by key. The inner query reads only the covering {@code (key, revision)}
   * index; the outer one fetches one row per key by primary key. Sorting happens here rather than
   * in SQL, where the sorter would copy every value; the rows usually arrive in key order already,
   * which makes the sort a single pass.
   */
  static List<KeyValue> listAt(StatementCache statements, KeyRange range, long revision)
      throws SQLException {
    String sql =
        "SELECT l.key, l.value, l.create_revision, l.revision FROM ("
            + "SELECT key, max(revision) AS revision FROM kv_log WHERE "
            + range.condition("key")
            + " AND revision <= ? GROUP BY key) AS m"
            + " JOIN kv_log AS l ON l.revision = m.revision"
            + " WHERE l.deleted = 0";
    PreparedStatement query = statements.get(sql);
    int next = bindRange(query, 1, range);
    query.setLong(next, revision);
    List<KeyValue> items = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String key = rows.getString(1);
        if (range.contains(key)) {
          items.add(new KeyValue(key, rows.getBytes(2), rows.getLong(3), rows.getLong(4)));
        }
      }
    }
    items.sort(Comparator.comparing(KeyValue::key));
    return items;
  }

  /**
   * The changes to keys in {@code range} with revisions in {@code (after, upTo]} as watch events in
   * revision order, each with the value it replaced.
   */
  static List<WatchEvent> changes(StatementCache statements, KeyRange range, long after, long upTo)
      throws SQLException {
    String sql =
        "SELECT l.revision, l.key, l.value, l.create_revision, l.deleted,"
            + " p.revision, p.value, p.create_revision"
            + " FROM kv_log AS l LEFT JOIN kv_log AS p ON p.revision = l.prev_revision"
            + " WHERE l.revision > ? AND l.revision <= ? AND "
            + range.condition("l.key")
            + " ORDER BY l.revision";
    PreparedStatement query = statements.get(sql);
    query.setLong(1, after);
    query.setLong(2, upTo);
    bindRange(query, 3, range);
    List<WatchEvent> events = new ArrayList<>();
    try (ResultSet rows = query.executeQuery()) {
      while (rows.next()) {
        String key = rows.getString(2);
        if (range.contains(key)) {
          events.add(changeEvent(rows, key));
        }
      }
    }
    return events;
  }

  static long maxRevision(StatementCache statements) throws SQLException {
    try (ResultSet rows = statements.get(MAX_REVISION).executeQuery()) {
      rows.next();
      return rows.getLong(1);
    }
  }

  static long meta(StatementCache statements, String name) throws SQLException {
    PreparedStatement query = statements.get(META);
    query.setString(1, name);
    try (ResultSet rows = query.executeQuery()) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  private static WatchEvent changeEvent(ResultSet rows, String key) throws SQLException {
    long revision = rows.getLong(1);
    long createRevision = rows.getLong(4);
    boolean deleted = rows.getInt(5) != 0;
    KeyValue kv = new KeyValue(key, rows.getBytes(3), createRevision, revision);
    long prevRevision = rows.getLong(6);
    boolean prevMissing = rows.wasNull();
    boolean created = !deleted && createRevision == revision;
    KeyValue prev =
        created || prevMissing
            ? null
            : new KeyValue(key, rows.getBytes(7), rows.getLong(8), prevRevision);
    return new WatchEvent(deleted ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT, kv, prev);
  }

  private static LogRow logRow(ResultSet rows) throws SQLException {
    return new LogRow(
        rows.getLong(1),
        rows.getString(2),
        rows.getBytes(3),
        rows.getLong(4),
        rows.getLong(5),
        rows.getInt(6) != 0);
  }

  private static int bindRange(PreparedStatement query, int index, KeyRange range)
      throws SQLException {
    query.setString(index++, range.lower());
    if (range.isBounded()) {
      query.setString(index++, range.upper());
    }
    return index;
  }
}
