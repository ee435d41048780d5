package dev.ordinal.controllers.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A de-duplicating work queue of keys, as client-go's: a key waiting is queued once however often
 * it is added; a key being processed is not handed out again until {@link #done}, and is queued
 * once more afterwards if it was added meanwhile. Failed keys come back after an exponential
 * back-off (5 ms doubling up to 60 s); {@link #forget} resets it. A key added while it was being
 * processed may be held back for a cool-down that {@link #done(Object, Duration)} names, so that
 * the events that arrive meanwhile are handled by one more pass instead of one pass each.
 */
public final class WorkQueue<K> {
  private static final long BASE_MS = 5;
  private static final long MAX_MS = 60_000;

  private final LinkedHashSet<K> ready = new LinkedHashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Set<K> dirty = new HashSet<>();
  private final Map<K, Integer> failures = new HashMap<>();
  private final Set<K> cooling = new HashSet<>();
  private final DelayQueue<Later<K>> later = new DelayQueue<>();
  private boolean shutdown;
  // A lock and condition rather than synchronized/wait: workers are virtual threads, and a
  // virtual thread in Object.wait holds its carrier on JDK 21.
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  /** The owner's name, for {@code workqueue_depth{name}} (client-go names each queue; ours are named after their owner's class). */
  private final String name;

  public WorkQueue() {
    this.name = QueueMetrics.ownerName(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass());
    QueueMetrics.track(this);
  }

  String name() {
    return name;
  }

  private record Later<K>(K key, long dueNanos) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(dueNanos, ((Later<?>) o).dueNanos);
    }
  }

  public void add(K key) {
    lock.lock();
    try {
      if (shutdown) {
        return;
      }
      if (processing.contains(key)) {
        dirty.add(key);
        return;
      }
      if (cooling.contains(key)) {
        return; // already due once its cool-down ends
      }
      if (ready.add(key)) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Adds the key after a delay (a periodic re-check, e.g. waiting for minReadySeconds). */
  public void addAfter(K key, Duration delay) {
    later.add(new Later<>(key, System.nanoTime() + delay.toNanos()));
    signal();
  }

  /** Adds the key after its back-off; each call doubles the next back-off. */
  public void addRateLimited(K key) {
    int n;
    lock.lock();
    try {
      n = failures.merge(key, 1, Integer::sum);
    } finally {
      lock.unlock();
    }
    long ms = Math.min(MAX_MS, BASE_MS << Math.min(n - 1, 20));
    addAfter(key, Duration.ofMillis(ms));
  }

  public void forget(K key) {
    lock.lock();
    try {
      failures.remove(key);
    } finally {
      lock.unlock();
    }
  }

  /** The next key to process, or null when the queue is shut down. Blocks until one is ready. */
  public K take() throws InterruptedException {
    lock.lock();
    try {
      return takeLocked();
    } finally {
      lock.unlock();
    }
  }

  private K takeLocked() throws InterruptedException {
    while (true) {
      Later<K> due;
      while ((due = later.poll()) != null) {
        cooling.remove(due.key());
        if (processing.contains(due.key())) {
          dirty.add(due.key());
        } else {
          ready.add(due.key());
        }
      }
      if (shutdown) {
        return null;
      }
      if (!ready.isEmpty()) {
        K key = ready.iterator().next();
        ready.remove(key);
        processing.add(key);
        return key;
      }
      Later<K> next = later.peek();
      long waitMs = next == null ? 1000 : Math.max(1, next.getDelay(TimeUnit.MILLISECONDS));
      changed.await(Math.min(waitMs, 1000), TimeUnit.MILLISECONDS);
    }
  }

  /** Marks the key processed; re-queues it if it was added while being processed. */
  public void done(K key) {
    done(key, Duration.ZERO);
  }

  /**
   * Marks the key processed; if it was added while being processed, it comes back after the
   * cool-down, and adds until then are folded into that one.
   */
  public void done(K key, Duration coolDown) {
    lock.lock();
    try {
      processing.remove(key);
      if (!dirty.remove(key)) {
        return;
      }
      // below a millisecond the queue's own wake-up would cost more than the pass it saves
      if (coolDown.toMillis() < 1 || cooling.contains(key)) {
        ready.add(key);
        changed.signalAll();
        return;
      }
      cooling.add(key);
    } finally {
      lock.unlock();
    }
    addAfter(key, coolDown);
  }

  public int length() {
    lock.lock();
    try {
      return ready.size();
    } finally {
      lock.unlock();
    }
  }

  public void shutdown() {
    lock.lock();
    try {
      shutdown = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
