package dev.ordinal.storage;

/** Base of the typed storage failures; unchecked, as callers translate them to API Status codes. */
public class StorageException extends RuntimeException {
  public StorageException(String message) {
    super(message);
  }

  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The key already exists (create). */
  public static final class KeyExists extends StorageException {
    public KeyExists(String key) {
      super("key exists: " + key);
    }
  }

  /** The key does not exist (update, delete). */
  public static final class KeyNotFound extends StorageException {
    public KeyNotFound(String key) {
      super("key not found: " + key);
    }
  }

  /** The key's current modRevision is not the one the caller expected. */
  public static final class Conflict extends StorageException {
    private final long actual;

    public Conflict(String key, long expected, long actual) {
      super("key " + key + " is at revision " + actual + ", not " + expected);
      this.actual = actual;
    }

    public long actualRevision() {
      return actual;
    }
  }

  /** The requested revision is older than the oldest kept one; the caller must re-list. */
  public static final class Compacted extends StorageException {
    private final long compactedRevision;

    public Compacted(long requested, long compactedRevision) {
      super("revision " + requested + " has been compacted (oldest kept: " + compactedRevision + ")");
      this.compactedRevision = compactedRevision;
    }

    public long compactedRevision() {
      return compactedRevision;
    }
  }

  /** The requested revision is newer than the store's current revision. */
  public static final class FutureRevision extends StorageException {
    public FutureRevision(long requested, long current) {
      super("revision " + requested + " is newer than the current revision " + current);
    }
  }
}
