package dev.ordinal.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: an unbounded queue drained by its own virtual thread into the sink, so a slow sink
 * delays only itself.
 *
 * <p>Lifecycle: created in replaying state, registered with the {@link WatchHub} at revision R;
 * live events (all newer than R) are held back until {@link #startDelivery} queues the replayed
 * history {@code (afterRevision, R]} ahead of them. That is what makes replay and live feed meet
 * without a gap or a duplicate.
 */
final class WatchSubscription implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WatchSubscription.class);

  private final KeyRange range;
  private final long afterRevision;
  private final Consumer<WatchEvent> sink;
  private final WatchHub hub;
  private final LinkedBlockingQueue<WatchEvent> queue = new LinkedBlockingQueue<>();

  // Guarded by this; non-null until the replay is queued.
  private List<WatchEvent> heldBack = new ArrayList<>();
  private volatile boolean closed;
  private Thread thread;

  WatchSubscription(KeyRange range, long afterRevision, Consumer<WatchEvent> sink, WatchHub hub) {
    this.range = range;
    this.afterRevision = afterRevision;
    this.sink = sink;
    this.hub = hub;
  }

  long afterRevision() {
    return afterRevision;
  }

  KeyRange range() {
    return range;
  }

  /** Called by writers under the write lock, in revision order. */
  void offerLive(WatchEvent event) {
    if (closed || event.revision() <= afterRevision || !range.contains(event.kv().key())) {
      return;
    }
    synchronized (this) {
      if (heldBack != null) {
        heldBack.add(event);
        return;
      }
    }
    queue.add(event);
  }

  /** Queues the replayed history, then the live events held back meanwhile, and starts delivery. */
  void startDelivery(List<WatchEvent> replay) {
    synchronized (this) {
      queue.addAll(replay);
      queue.addAll(heldBack);
      heldBack = null;
      thread =
          Thread.ofVirtual()
              .name("storage-watch-" + range.prefix())
              .start(this::deliverUntilClosed);
    }
  }

  private void deliverUntilClosed() {
    while (!closed) {
      WatchEvent event;
      try {
        event = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      try {
        sink.accept(event);
      } catch (RuntimeException e) {
        // A failing sink loses this event only; it stays subscribed for the ones after it.
        log.warn(
            "watch sink for prefix {} failed at revision {}", range.prefix(), event.revision(), e);
      }
    }
  }

  /** Stops delivery; when this returns from another thread, the sink is not called again. */
  @Override
  public void close() {
    Thread deliveryThread;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      deliveryThread = thread;
    }
    hub.remove(this);
    queue.clear();
    if (deliveryThread != null && deliveryThread != Thread.currentThread()) {
      deliveryThread.interrupt();
      try {
        deliveryThread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  boolean isClosed() {
    return closed;
  }
}
