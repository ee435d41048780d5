package dev.ordinal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link WatchContract} on SQLite. */
class SqliteStorageWatchTest extends WatchContract {
  @TempDir Path dir;

  @Override
  protected Storage open() {
    return SqliteStorage.open(dir.resolve("state.db"));
  }

  @Override
  protected int watchCount() {
    return ((SqliteStorage) storage).watchCount();
  }

  @Test
  void closingLeavesNoDeliveryThread() throws Exception {
    AutoCloseable watch = storage.watch("/", 0, events::add);
    watch.close();

    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("storage-watch-"));
  }
}
