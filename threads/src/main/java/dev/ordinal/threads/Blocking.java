package dev.ordinal.threads;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where blocking native calls run. A virtual thread that enters native code and blocks there —
 * sqlite-jdbc, a read of a process pipe or a terminal, a wait for a process, fork/exec — holds its
 * carrier, and there are only as many carriers as cores: on a 2-core machine two such calls stop
 * every other virtual thread of the server (requests, watches, DNS, heartbeats). So such calls go
 * through here: from a virtual thread they run on a platform thread of a cached pool while the
 * caller parks; from a platform thread they run inline. Long-lived blocking loops (copying a
 * process's output) get a platform thread of their own with {@link #start}.
 */
public final class Blocking {
  /** A call that blocks in native code. */
  @FunctionalInterface
  public interface Call<T, E extends Exception> {
    T call() throws E;
  }

  /** A blocking action without a result. */
  @FunctionalInterface
  public interface Action<E extends Exception> {
    void run() throws E;
  }

  private static final AtomicInteger threadCount = new AtomicInteger();

  // Unbounded: a bound would make calls that wait on each other (a writer waiting for a reader)
  // deadlock; idle threads leave after a minute. What bounds the number of concurrent calls is
  // the resource itself (connections of the read pool, the one writer, processes).
  private static final ExecutorService pool = Executors.newCachedThreadPool(platform("blocking"));

  private Blocking() {}

  /**
   * Runs {@code call} off the virtual-thread carriers and returns its result. The caller waits
   * uninterruptibly (a call holding a lock or a connection must not be abandoned half-way); an
   * interrupt that arrives meanwhile is kept in the caller's interrupt status.
   */
  public static <T, E extends Exception> T call(Call<T, E> call) throws E {
    return callOn(pool, call);
  }

  /**
   * {@link #call} on an executor of platform threads of the caller's own, e.g. the one thread
   * that writes a database: a busy thread of its own takes the next call without being woken.
   */
  public static <T, E extends Exception> T callOn(ExecutorService platformThreads, Call<T, E> call) throws E {
    if (!Thread.currentThread().isVirtual()) {
      return call.call();
    }
    Future<T> result = platformThreads.submit(call::call);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw Blocking.<E>rethrow(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@link #call} for an action without a result. */
  public static <E extends Exception> void run(Action<E> action) throws E {
    call(() -> {
      action.run();
      return null;
    });
  }

  /**
   * Like {@link #call}, but an interrupt of the caller interrupts the platform thread running the
   * call (which ends a wait for a process, for example) and is thrown as InterruptedException.
   */
  public static <T, E extends Exception> T callInterruptibly(Call<T, E> call) throws E, InterruptedException {
    if (!Thread.currentThread().isVirtual()) {
      return call.call();
    }
    Future<T> result = pool.submit(call::call);
    try {
      return result.get();
    } catch (InterruptedException e) {
      result.cancel(true);
      throw e;
    } catch (CancellationException e) {
      throw new InterruptedException("cancelled");
    } catch (ExecutionException e) {
      throw Blocking.<E>rethrow(e.getCause());
    }
  }

  /** Starts a platform thread for a long-lived blocking loop, such as copying a process's output. */
  public static Thread start(String name, Runnable body) {
    return Thread.ofPlatform().daemon().name(name).start(body);
  }

  /**
   * Starts a platform thread for a blocking loop and returns a future that completes when it ends;
   * a virtual thread waits for that future by parking, where {@link Thread#join} might not.
   */
  public static CompletableFuture<Void> async(String name, Runnable body) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    start(name, () -> {
      try {
        body.run();
        done.complete(null);
      } catch (Throwable t) {
        done.completeExceptionally(t);
      }
    });
    return done;
  }

  /** A factory of daemon platform threads named {@code prefix-N}, for executors of blocking work. */
  public static ThreadFactory platform(String prefix) {
    return r -> Thread.ofPlatform().daemon().name(prefix + "-" + threadCount.incrementAndGet()).unstarted(r);
  }

  // The cause is what call() threw: an unchecked exception, an Error, or an E.
  @SuppressWarnings("unchecked")
  private static <E extends Exception> E rethrow(Throwable cause) throws E {
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    throw (E) cause;
  }
}
