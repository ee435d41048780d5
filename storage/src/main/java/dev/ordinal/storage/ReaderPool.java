package dev.ordinal.storage;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fixed set of read-only connections. In WAL mode readers never wait for the writer, so reads
 * only queue behind other reads when every connection is in use.
 */
final class ReaderPool implements AutoCloseable {
  /** A read on one borrowed connection. */
  @FunctionalInterface
  interface Read<T> {
    T apply(StatementCache statements) throws SQLException;
  }

  private static final long CLOSE_WAIT_SECONDS = 10;

  private final List<StatementCache> all = new ArrayList<>();
  private final BlockingQueue<StatementCache> idle;
  private volatile boolean closed;

  ReaderPool(String jdbcUrl, int size) throws SQLException {
    idle = new ArrayBlockingQueue<>(size);
    try {
      for (int i = 0; i < size; i++) {
        Connection connection = DriverManager.getConnection(jdbcUrl);
        SqliteSchema.prepareReader(connection);
        StatementCache statements = new StatementCache(connection);
        all.add(statements);
        idle.add(statements);
      }
    } catch (SQLException e) {
      close();
      throw e;
    }
  }

  <T> T read(Read<T> read) throws SQLException {
    StatementCache statements;
    try {
      if (closed) {
        throw new StorageException("storage is closed");
      }
      statements = idle.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for a read connection", e);
    }
    try {
      return read.apply(statements);
    } finally {
      idle.add(statements);
    }
  }

  /** Closes every connection, waiting a while for borrowed ones to be returned first. */
  @Override
  public void close() {
    closed = true;
    for (int i = 0; i < all.size(); i++) {
      try {
        StatementCache statements = idle.poll(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        if (statements == null) {
          break; // a read is stuck; leave its connection to the garbage collector
        }
        statements.close();
      } catch (SQLException e) {
        // Closing is best effort; a read connection holds no uncommitted state.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
  }
}
