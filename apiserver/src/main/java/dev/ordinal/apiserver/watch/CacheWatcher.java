package dev.ordinal.apiserver.watch;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One watch on the cache: a queue of events for one consumer. When the consumer falls too far
 * behind the watcher is terminated (the consumer sees {@link #isTerminated()} and ends the
 * stream, as Kubernetes does with slow watchers); clients then re-watch from their last revision.
 */
public final class CacheWatcher implements AutoCloseable {
  static final int CAPACITY = 100_000;

  private final ObjectFilter filter;
  private final BlockingQueue<CacheEvent> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final Runnable onClose;
  private volatile boolean terminated;
  private volatile java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> view = o -> o;

  CacheWatcher(ObjectFilter filter, Runnable onClose) {
    this.filter = filter;
    this.onClose = onClose;
  }

  /** Offers a change, translating it for this watcher's filter (an object that stops matching is DELETED for it). */
  void offer(CacheEvent e) {
    boolean now = filter.matches(e.key(), e.object());
    boolean before = e.previous() != null && filter.matches(e.key(), e.previous());
    CacheEvent out;
    switch (e.type()) {
      case ADDED -> out = now ? e : null;
      case DELETED -> out = now ? e : null;
      case MODIFIED -> {
        if (now && before) {
          out = e;
        } else if (now) {
          out = new CacheEvent(CacheEvent.Type.ADDED, e.key(), e.object(), null, e.revision());
        } else if (before) {
          out = new CacheEvent(CacheEvent.Type.DELETED, e.key(), e.object(), e.previous(), e.revision());
        } else {
          out = null;
        }
      }
      default -> out = e;
    }
    if (out != null) {
      enqueue(out);
    }
  }

  void enqueue(CacheEvent e) {
    if (!terminated && !queue.offer(e)) {
      terminated = true;
    }
  }

  /**
   * Shows every object this watcher hands out through {@code view} (a custom resource in the
   * version it is watched at); {@code view} must not change its argument. Returns this watcher.
   */
  public CacheWatcher viewedAs(java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> view) {
    this.view = view;
    return this;
  }

  /** The next event, or null when none arrived within the timeout. */
  public CacheEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
    CacheEvent e = queue.poll(timeout, unit);
    if (e == null || e.object() == null) {
      return e;
    }
    var v = view;
    return new CacheEvent(e.type(), e.key(), v.apply(e.object()), e.previous(), e.revision());
  }

  public boolean isTerminated() {
    return terminated && queue.isEmpty();
  }

  @Override
  public void close() {
    terminated = true;
    onClose.run();
  }
}
