package dev.ordinal.storage;

/**
 * A change to one key, delivered in revision order.
 *
 * @param kv for PUT the new value; for DELETE the value as it was deleted, with {@code modRevision}
 *     set to the revision of the deletion
 * @param prev the value before this change, or null when the key was created
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prev) {
  public enum Type {
    PUT,
    DELETE
  }

  public long revision() {
    return kv.modRevision();
  }

  public boolean isCreate() {
    return type == Type.PUT && prev == null;
  }
}
