package dev.ordinal.storage;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One watch: live events are queued as writers publish them (never blocking a writer), and one
 * virtual thread delivers first the replayed history, then the queue, to the sink in order.
 */
final class Subscription {
  private final String prefix;
  private final Consumer<WatchEvent> sink;
  private final LinkedBlockingQueue<WatchEvent> live = new LinkedBlockingQueue<>();
  private volatile boolean closed;
  private Thread thread;

  Subscription(String prefix, Consumer<WatchEvent> sink) {
    this.prefix = prefix;
    this.sink = sink;
  }

  /** Called by writers under the store's write lock: must not block. */
  void offer(WatchEvent e) {
    if (!closed && e.kv().key().startsWith(prefix)) {
      live.add(e);
    }
  }

  /** Starts delivery: {@code replay} delivers history through {@link #deliver}, then live events follow. */
  void start(Runnable replay) {
    thread = Thread.ofVirtual().name("watch " + prefix).start(() -> {
      try {
        replay.run();
        while (!closed) {
          WatchEvent e = live.poll(1, TimeUnit.SECONDS);
          if (e != null) {
            deliver(e);
          }
        }
      } catch (InterruptedException e) {
        // closed
      } catch (RuntimeException e) {
        // the sink failed or the store closed: the watch ends
        closed = true;
      }
    });
  }

  void deliver(WatchEvent e) {
    if (!closed) {
      sink.accept(e);
    }
  }

  boolean closed() {
    return closed;
  }

  void close() {
    closed = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
