package dev.ordinal.apiserver.watch;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.ListResult;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.StorageException;
import dev.ordinal.storage.WatchEvent;
import dev.ordinal.storage.WatchSink;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The watch caches of every resource type, fed by one watch on the whole store so that the
 * store-wide revision they have seen is known: a read waits until it reaches the revision the
 * store had when the read began (a consistent read from cache).
 */
public final class CacheSet implements AutoCloseable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CacheSet.class);
  private static final String ROOT = "/registry/";
  private static final long WAIT_SECONDS = 3;

  private final Storage storage;
  // one cache per key prefix ever seen or asked for: a prefix's cache is made before its first
  // event is applied, so it holds every change since the start (custom resources' types appear
  // and go while the server runs; their caches stay complete all the same)
  private final Map<String, WatchCache> byPrefix = new ConcurrentHashMap<>();
  private final int history;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private long revision;
  private volatile AutoCloseable storageWatch;

  public CacheSet(Storage storage, ResourceCatalog catalog) {
    this(storage, catalog, WatchCache.DEFAULT_HISTORY);
  }

  /** @param history how many recent changes of each type a watch can resume from */
  public CacheSet(Storage storage, ResourceCatalog catalog, int history) {
    this.storage = storage;
    this.history = history;
    for (ResourceType t : catalog.all()) {
      byPrefix.put(t.keyPrefix(), new WatchCache(this, history));
    }
  }

  /** The cache of a type's objects; made (empty, complete from now on) when the type is new. */
  public WatchCache cache(ResourceType type) {
    return byPrefix.computeIfAbsent(type.keyPrefix(), p -> newCache());
  }

  private WatchCache newCache() {
    WatchCache c = new WatchCache(this, history);
    if (storageWatch != null) {
      // made after the start: changes before now were to other prefixes, none is missing
      c.loaded(revision());
    }
    return c;
  }

  /** Loads every object and starts following the store. */
  public void start() {
    ListResult initial = storage.list(ROOT, 0);
    for (KeyValue kv : initial.items()) {
      WatchCache c = cacheOf(kv.key());
      if (c != null) {
        c.load(kv, initial.revision());
      }
    }
    for (WatchCache c : byPrefix.values()) {
      c.loaded(initial.revision());
    }
    revision = initial.revision();
    storageWatch = storage.watch(ROOT, initial.revision(), new WatchSink() {
      @Override
      public void accept(WatchEvent e) {
        apply(e);
      }

      @Override
      public void progress(long at) {
        advanceTo(at);
      }

      @Override
      public void lost(StorageException cause) {
        // etcd compacted past this server's caches while it was unreachable (longer than one
        // compaction interval, 5 min): reads would wait forever, so say it loudly
        log.error("the watch caches lost the store's history ({}); restart this server to list again", cause.getMessage());
      }
    });
  }

  private WatchCache cacheOf(String key) {
    // keys are /registry/<group>/<plural>/...: the type's prefix ends at the fourth slash
    int slash = 0;
    for (int i = 0, seen = 0; i < key.length(); i++) {
      if (key.charAt(i) == '/' && ++seen == 4) {
        slash = i;
        break;
      }
    }
    return slash == 0 ? null : byPrefix.computeIfAbsent(key.substring(0, slash + 1), p -> newCache());
  }

  private void apply(WatchEvent e) {
    WatchCache c = cacheOf(e.kv().key());
    if (c != null) {
      c.apply(e);
    }
    advanceTo(e.revision());
  }

  /** Every change up to {@code at} is in the caches (a change, or the store's progress report). */
  private void advanceTo(long at) {
    lock.lock();
    try {
      if (at > revision) {
        revision = at;
        advanced.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** The store revision every cache has caught up with. */
  public long revision() {
    lock.lock();
    try {
      return revision;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until every write acknowledged before this call is visible in the caches. */
  public void syncWithStore() {
    awaitRevision(storage.currentRevision());
  }

  /**
   * Waits until the caches have seen {@code target}.
   *
   * @throws ApiException 504 when the store does not get there within a few seconds
   */
  public void awaitRevision(long target) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    lock.lock();
    try {
      long askAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
      while (revision < target) {
        long now = System.nanoTime();
        long nanos = deadline - now;
        if (nanos <= 0) {
          throw ApiException.timeout("Too large resource version: " + target + ", current: " + revision);
        }
        if (now >= askAt) {
          // the newest revision may be a write the watch does not cover (etcd's revision is the
          // whole key space's): ask the store to report progress, as kube-apiserver does
          askAt = now + TimeUnit.MILLISECONDS.toNanos(250);
          lock.unlock();
          try {
            storage.requestProgress();
          } finally {
            lock.lock();
          }
          continue;
        }
        advanced.awaitNanos(Math.min(nanos, askAt - now));
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw ApiException.timeout("interrupted while waiting for resource version " + target);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    if (storageWatch != null) {
      try {
        storageWatch.close();
      } catch (Exception ignored) {
        // closing a watch only stops delivery
      }
    }
    byPrefix.values().forEach(WatchCache::close);
  }
}
