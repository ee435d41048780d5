package dev.ordinal.controllers.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.ObjectList;
import dev.ordinal.client.Client;
import dev.ordinal.client.Watch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * List, then watch, one resource type, keeping a local copy of every object and telling handlers
 * what changed. Re-lists when the watch ends or its revision expires, and reports the
 * difference as events, so handlers never miss a deletion.
 */
public final class Informer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Informer.class);

  /** What a handler hears; old is null for adds, current is the last state for deletes. */
  public interface Handler {
    void onChange(ObjectNode old, ObjectNode current, boolean deleted);
  }

  private final Client client;
  private final ResourceType type;
  // sorted by "namespace/name", so a namespace's objects are one range
  private final ConcurrentSkipListMap<String, ObjectNode> objects = new ConcurrentSkipListMap<>();
  private final List<Handler> handlers = new ArrayList<>();
  private final CountDownLatch synced = new CountDownLatch(1);
  private volatile boolean stopped;
  private Thread thread;

  public Informer(Client client, ResourceType type) {
    this.client = client;
    this.type = type;
  }

  public ResourceType type() {
    return type;
  }

  /** Adds a handler; call before {@link #start}. */
  public Informer onChange(Handler h) {
    handlers.add(h);
    return this;
  }

  public void start() {
    thread = Thread.ofVirtual().name("informer-" + type.plural()).start(this::run);
  }

  /** Waits until the first list has been delivered. */
  public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
    return synced.await(timeout, unit);
  }

  public Optional<ObjectNode> get(String namespace, String name) {
    return Optional.ofNullable(objects.get(key(namespace, name)));
  }

  public Collection<ObjectNode> all() {
    return objects.values();
  }

  /** The objects of one namespace (a live view). */
  public Collection<ObjectNode> inNamespace(String namespace) {
    // '0' sorts right after '/', so the range holds exactly the keys "namespace/…"
    return objects.subMap(namespace + "/", namespace + "0").values();
  }

  public static String key(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  public static String key(ObjectNode obj) {
    return key(Meta.namespace(obj), Meta.name(obj));
  }

  private void run() {
    while (!stopped) {
      try {
        String rv = relist();
        synced.countDown();
        follow(rv);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!stopped) {
          log.warn("informer for {} failed, re-listing: {}", type.qualifiedName(), e.getMessage());
          sleep(500);
        }
      }
    }
  }

  private String relist() {
    ObjectList list = client.list(type, null, ListOptions.ALL);
    Map<String, ObjectNode> seen = new ConcurrentHashMap<>();
    for (ObjectNode o : list.items()) {
      seen.put(key(o), o);
    }
    for (var e : objects.entrySet()) {
      if (!seen.containsKey(e.getKey())) {
        objects.remove(e.getKey());
        notify(e.getValue(), e.getValue(), true);
      }
    }
    for (var e : seen.entrySet()) {
      ObjectNode old = objects.put(e.getKey(), e.getValue());
      if (old == null || !Meta.resourceVersion(old).equals(Meta.resourceVersion(e.getValue()))) {
        notify(old, e.getValue(), false);
      }
    }
    return list.resourceVersion();
  }

  private void follow(String fromRv) throws InterruptedException {
    ListOptions opts = new ListOptions("", "", fromRv, 0, "", false, 0);
    try (Watch w = client.watch(type, null, opts)) {
      while (!stopped) {
        Watch.Event e = w.next(1, TimeUnit.SECONDS);
        if (e == null) {
          continue;
        }
        switch (e.type()) {
          case "ADDED", "MODIFIED" -> notify(objects.put(key(e.object()), e.object()), e.object(), false);
          case "DELETED" -> {
            ObjectNode old = objects.remove(key(e.object()));
            notify(old, e.object(), true);
          }
          default -> { }
        }
      }
    } catch (Watch.WatchClosedException | ApiException e) {
      // fall back to a re-list
    }
  }

  private void notify(ObjectNode old, ObjectNode current, boolean deleted) {
    for (Handler h : handlers) {
      try {
        h.onChange(old, current, deleted);
      } catch (RuntimeException ex) {
        log.warn("handler for {} failed: {}", type.qualifiedName(), ex.toString());
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopped = true;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
