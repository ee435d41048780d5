package dev.ordinal.storage;

/**
 * One row of the revision log: a write to {@code key} at {@code revision}.
 *
 * @param prevRevision the revision of the key's previous row in the log (0 if none), whether that
 *     row is a value or a deletion; compaction follows it to find superseded rows
 * @param deleted true for a deletion tombstone, which keeps the deleted value
 */
record LogRow(
    long revision,
    String key,
    byte[] value,
    long createRevision,
    long prevRevision,
    boolean deleted) {

  boolean isLive() {
    return !deleted;
  }

  KeyValue toKeyValue() {
    return new KeyValue(key, value, createRevision, revision);
  }
}
