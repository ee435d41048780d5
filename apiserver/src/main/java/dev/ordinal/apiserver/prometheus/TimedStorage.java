package dev.ordinal.apiserver.prometheus;

import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.ListResult;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.WatchEvent;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The store with each call timed into {@code etcd_request_duration_seconds{operation,type}} (the
 * type is the key's resource, {@code /registry/<group>/<plural>/…}); failures that are no answer
 * (conflicts and not-found are answers) count into {@code etcd_request_errors_total}.
 */
public final class TimedStorage implements Storage {
  private final Storage inner;

  public TimedStorage(Storage inner) {
    this.inner = inner;
  }

  /** The resource of a key, as upstream's type label: {@code /registry/core/pods/ns/name} → pods, {@code /registry/apps/deployments/…} → deployments.apps. */
  static String typeOf(String key) {
    String[] parts = key.split("/", -1);
    if (parts.length < 4 || !parts[1].equals("registry") || parts[3].isEmpty()) {
      return "";
    }
    return parts[2].equals("core") ? parts[3] : parts[3] + "." + parts[2];
  }

  private static <T> T timed(String operation, String key, Supplier<T> call) {
    long start = System.nanoTime();
    String type = typeOf(key);
    try {
      return call.get();
    } catch (RuntimeException e) {
      if (!e.getClass().getSimpleName().contains("Conflict") && !e.getClass().getSimpleName().contains("NotFound")) {
        ApiServerMetrics.STORAGE_ERRORS.inc(operation, type);
      }
      throw e;
    } finally {
      ApiServerMetrics.STORAGE_DURATION.observe((System.nanoTime() - start) / 1e9, operation, type);
    }
  }

  @Override
  public long currentRevision() {
    return inner.currentRevision();
  }

  @Override
  public long compactedRevision() {
    return inner.compactedRevision();
  }

  @Override
  public Optional<KeyValue> get(String key) {
    return timed("get", key, () -> inner.get(key));
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    return timed("create", key, () -> inner.create(key, value));
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    return timed("update", key, () -> inner.update(key, value, expectedModRevision));
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    return timed("delete", key, () -> inner.delete(key, expectedModRevision));
  }

  @Override
  public ListResult list(String prefix, long revision) {
    return timed("list", prefix, () -> inner.list(prefix, revision));
  }

  @Override
  public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> sink) {
    return inner.watch(prefix, afterRevision, sink);
  }

  @Override
  public void compact(long revision) {
    timed("compact", "", () -> {
      inner.compact(revision);
      return null;
    });
  }

  @Override
  public void requestProgress() {
    inner.requestProgress();
  }

  @Override
  public void close() {
    inner.close();
  }
}
