package dev.ordinal.storage;

import java.util.function.Consumer;

/**
 * A watch's sink that also hears what is not a change: progress (every change up to a revision
 * was delivered, though none under the prefix) and the end of a watch the store could not keep
 * (its history was compacted while the store was unreachable). {@link Storage#watch} accepts a
 * plain {@link Consumer}; a sink implementing this interface gets these calls too.
 */
public interface WatchSink extends Consumer<WatchEvent> {
  /** Every change with a revision up to {@code revision} has been delivered. */
  default void progress(long revision) {}

  /**
   * The watch ended and will deliver nothing more; the caller must list again and watch from the
   * list's revision. Called at most once, on the watch's thread.
   */
  default void lost(StorageException cause) {}
}
