package dev.ordinal.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A change to one object as the watch cache saw it. Objects are shared between readers and must
 * not be mutated: copy first.
 *
 * @param object the object after the change (for DELETED: as it was deleted, resourceVersion set
 *     to the deletion's revision)
 * @param previous the object before the change, null for ADDED
 */
public record CacheEvent(Type type, String key, ObjectNode object, ObjectNode previous, long revision) {
  public enum Type {
    ADDED,
    MODIFIED,
    DELETED,
    BOOKMARK,
    ERROR
  }
}
