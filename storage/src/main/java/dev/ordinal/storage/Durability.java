package dev.ordinal.storage;

/**
 * How hard SQLite works to keep a committed write.
 *
 * <p>In WAL mode a commit appends to the write-ahead log with a plain {@code write()}; with {@link
 * #PROCESS_CRASH} the log is only fsynced at checkpoints, so a returned write survives the JVM
 * being killed (the data is in the operating system's page cache) but the last commits may be lost
 * if the machine loses power. {@link #POWER_LOSS} fsyncs the log on every commit, which costs one
 * disk flush per write.
 */
public enum Durability {
  /** {@code PRAGMA synchronous = NORMAL}: survives kill -9 of the process. The default. */
  PROCESS_CRASH("NORMAL"),
  /** {@code PRAGMA synchronous = FULL}: survives power loss, at one fsync per write. */
  POWER_LOSS("FULL");

  private final String synchronousPragma;

  Durability(String synchronousPragma) {
    this.synchronousPragma = synchronousPragma;
  }

  String synchronousPragma() {
    return synchronousPragma;
  }
}
