package dev.ordinal.controllers.runtime;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes keys from a queue and reconciles them one at a time per key, on virtual threads. A key
 * whose objects changed while it was reconciled may be held back before its next pass for the
 * {@link CoolDown} the controller names, so the events of that time are handled by one pass.
 */
public final class Worker implements AutoCloseable {
  /** How long a key waits after a pass before the next, when it changed during the pass. */
  public interface CoolDown {
    Duration after(String key);
  }

  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final String name;
  private final WorkQueue<String> queue;
  private final Reconciler reconciler;
  private final Thread[] threads;
  private CoolDown coolDown = key -> Duration.ZERO;

  public Worker(String name, WorkQueue<String> queue, Reconciler reconciler, int concurrency) {
    this.name = name;
    this.queue = queue;
    this.reconciler = reconciler;
    this.threads = new Thread[concurrency];
  }

  /** Sets the cool-down; call before {@link #start}. */
  public Worker withCoolDown(CoolDown c) {
    this.coolDown = c;
    return this;
  }

  public void start() {
    for (int i = 0; i < threads.length; i++) {
      threads[i] = Thread.ofVirtual().name(name + "-" + i).start(this::loop);
    }
  }

  private void loop() {
    while (true) {
      String key;
      try {
        key = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (key == null) {
        return;
      }
      try {
        Optional<Duration> again = reconciler.reconcile(key);
        queue.forget(key);
        again.ifPresent(d -> queue.addAfter(key, d));
      } catch (Exception e) {
        log.debug("{}: {} failed, retrying: {}", name, key, e.toString());
        queue.addRateLimited(key);
      } finally {
        queue.done(key, coolDown.after(key));
      }
    }
  }

  /**
   * Stops taking keys and waits up to {@code patience} for the reconciles under way to finish,
   * then interrupts those that have not (for reconcilers whose interruption could leave a job
   * half-done, such as a node agent setting up a pod's network).
   */
  public void stop(Duration patience) {
    queue.shutdown();
    long deadline = System.nanoTime() + patience.toNanos();
    for (Thread t : threads) {
      if (t != null) {
        try {
          t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    close();
  }

  @Override
  public void close() {
    queue.shutdown();
    for (Thread t : threads) {
      if (t != null) {
        t.interrupt();
      }
    }
  }
}
