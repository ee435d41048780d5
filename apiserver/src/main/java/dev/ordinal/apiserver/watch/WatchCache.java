package dev.ordinal.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.WatchEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current objects of one resource type and a window of recent changes, kept up to date by
 * {@link CacheSet}, so that gets, lists and watches never touch the store. Reads first wait until
 * the cache set has caught up with the store's revision, which makes them consistent with every
 * write acknowledged before them.
 */
public final class WatchCache implements AutoCloseable {
  static final int DEFAULT_HISTORY = 10_000;

  private final int historySize;

  private final CacheSet store;
  private final ConcurrentSkipListMap<String, ObjectNode> objects = new ConcurrentSkipListMap<>();
  private final CopyOnWriteArrayList<CacheWatcher> watchers = new CopyOnWriteArrayList<>();

  // Guards objects' changes, history and evictedUpTo, and makes watcher registration atomic with event
  // delivery so that no event is missed or duplicated between a watch's replay and its live part.
  // Lock order: this lock, then CacheSet's; CacheSet never calls in here holding its own.
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<CacheEvent> history = new ArrayDeque<>();
  private long evictedUpTo;
  private volatile long lastApplied;

  WatchCache(CacheSet store, int historySize) {
    this.store = store;
    this.historySize = historySize;
  }

  /** Loads one stored object; called by {@link CacheSet} before it starts following the store. */
  void load(KeyValue kv, long atRevision) {
    objects.put(kv.key(), decode(kv));
  }

  /** Marks the end of the initial load. */
  void loaded(long atRevision) {
    lock.lock();
    try {
      evictedUpTo = atRevision;
    } finally {
      lock.unlock();
    }
  }

  private static ObjectNode decode(KeyValue kv) {
    ObjectNode obj = Json.parseObject(kv.value());
    obj.with("metadata").put("resourceVersion", Long.toString(kv.modRevision()));
    return obj;
  }

  /** Applies one change from the store; called by {@link CacheSet}, in revision order. */
  void apply(WatchEvent e) {
    String key = e.kv().key();
    ObjectNode obj = decode(e.kv());
    lock.lock();
    try {
      CacheEvent ce;
      if (e.type() == WatchEvent.Type.DELETE) {
        ObjectNode prev = objects.remove(key);
        ce = new CacheEvent(CacheEvent.Type.DELETED, key, obj, prev, e.revision());
      } else {
        ObjectNode prev = objects.put(key, obj);
        ce = new CacheEvent(prev == null ? CacheEvent.Type.ADDED : CacheEvent.Type.MODIFIED, key, obj, prev, e.revision());
      }
      lastApplied = e.revision();
      history.addLast(ce);
      if (history.size() > historySize) {
        evictedUpTo = history.removeFirst().revision();
      }
      for (CacheWatcher w : watchers) {
        w.offer(ce);
      }
    } finally {
      lock.unlock();
    }
  }

  // The store-wide revision lags this cache's own by at most the change being applied; a snapshot
  // taken under the lock includes that change, so it is at least that change's revision.
  private long snapshotRevision() {
    return Math.max(store.revision(), lastApplied);
  }

  /** The revision of this type's latest change (0 before any since the start): moves only when one of its objects does. */
  public long lastChange() {
    return lastApplied;
  }

  /** The revision of the store this cache has seen, for list metadata and bookmarks. */
  public long storeRevision() {
    return store.revision();
  }

  public Optional<ObjectNode> get(String key) {
    store.syncWithStore();
    return Optional.ofNullable(objects.get(key));
  }

  /** A consistent snapshot of the matching objects, sorted by key, and its revision. */
  public Snapshot list(ObjectFilter filter, String startAfterKey) {
    store.syncWithStore();
    lock.lock();
    try {
      List<ObjectNode> out = new ArrayList<>();
      var view = startAfterKey == null
          ? objects.subMap(filter.keyPrefix(), true, filter.keyPrefix() + '\uffff', false)
          : objects.subMap(startAfterKey, false, filter.keyPrefix() + '\uffff', false);
      for (var entry : view.entrySet()) {
        if (filter.predicate().test(entry.getValue())) {
          out.add(entry.getValue());
        }
      }
      return new Snapshot(out, snapshotRevision());
    } finally {
      lock.unlock();
    }
  }

  /** The objects of a snapshot and the revision they were read at. */
  public record Snapshot(List<ObjectNode> objects, long revision) {}

  /**
   * Starts a watch. With {@code fromRevision} 0 the watcher first receives every matching object
   * as ADDED; otherwise every change after {@code fromRevision}.
   *
   * @throws ApiException 410 Expired when changes after {@code fromRevision} are no longer kept
   */
  public CacheWatcher watch(ObjectFilter filter, long fromRevision) {
    if (fromRevision > 0) {
      store.awaitRevision(fromRevision);
    }
    lock.lock();
    try {
      CacheWatcher[] holder = new CacheWatcher[1];
      CacheWatcher w = new CacheWatcher(filter, () -> watchers.remove(holder[0]));
      holder[0] = w;
      if (fromRevision == 0) {
        for (var entry : objects.entrySet()) {
          if (filter.matches(entry.getKey(), entry.getValue())) {
            w.enqueue(new CacheEvent(CacheEvent.Type.ADDED, entry.getKey(), entry.getValue(), null, snapshotRevision()));
          }
        }
      } else {
        if (fromRevision < evictedUpTo) {
          throw ApiException.gone("too old resource version: " + fromRevision + " (" + evictedUpTo + ")");
        }
        for (CacheEvent e : history) {
          if (e.revision() > fromRevision) {
            w.offer(e);
          }
        }
      }
      watchers.add(w);
      return w;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    for (CacheWatcher w : watchers) {
      w.close();
    }
  }
}
