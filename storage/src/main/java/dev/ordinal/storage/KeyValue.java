package dev.ordinal.storage;

/**
 * One stored value and the revisions that describe its history.
 *
 * @param createRevision the revision at which the key was created (since its last deletion)
 * @param modRevision the revision of the last write to the key; this becomes the object's
 *     {@code resourceVersion}
 */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision) {}
