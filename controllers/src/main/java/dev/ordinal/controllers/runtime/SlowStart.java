package dev.ordinal.controllers.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs a batch of independent writes concurrently, in rounds that double in size (1, 2, 4, …) as
 * long as every write of a round succeeds, as Kubernetes' controllers do for bursts of creations:
 * a thousand replicas are written in parallel, but a request the API refuses (a quota, a bad
 * template) fails once, not a thousand times.
 */
public final class SlowStart {
  private SlowStart() {}

  /**
   * Applies the function to each item; stops after the first round with a failure and rethrows
   * its first failure.
   *
   * @return how many items were applied successfully
   */
  public static <T> int run(List<T> items, Consumer<T> apply) throws InterruptedException {
    int done = 0;
    int batch = 1;
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int from = 0; from < items.size(); from += batch, batch *= 2) {
        List<Future<?>> round = new ArrayList<>();
        for (T item : items.subList(from, Math.min(items.size(), from + batch))) {
          round.add(threads.submit(() -> apply.accept(item)));
        }
        RuntimeException failure = null;
        for (Future<?> f : round) {
          try {
            f.get();
            done++;
          } catch (java.util.concurrent.ExecutionException e) {
            if (failure == null) {
              failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
          }
        }
        if (failure != null) {
          throw failure;
        }
      }
    }
    return done;
  }
}
