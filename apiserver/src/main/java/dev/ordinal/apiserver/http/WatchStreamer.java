package dev.ordinal.apiserver.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.ResourceStore;
import dev.ordinal.apiserver.watch.CacheEvent;
import dev.ordinal.apiserver.watch.CacheWatcher;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * A watch as a chunked stream of newline-delimited {@code {"type":…,"object":…}} events, as
 * objects or as one-row Tables. The stream stays open until the client goes, the watch's
 * {@code timeoutSeconds} pass, or the watcher falls too far behind.
 */
final class WatchStreamer {
  private static final long BOOKMARK_EVERY_MS = 60_000;

  private final Tables tables;

  WatchStreamer(Tables tables) {
    this.tables = tables;
  }

  void stream(Exchange ex, ResourceStore store, String ns, ListOptions opts) {
    boolean asTable = Negotiation.wantsTable(ex.header("Accept"));
    String includeObject = ex.param("includeObject");
    ResourceType type = store.type();
    long deadline = opts.timeoutSeconds() > 0
        ? System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(opts.timeoutSeconds())
        : Long.MAX_VALUE;
    // client-go 1.35's reflectors (Helm 3.21's hook waits among them) stream the initial state:
    // ADDED for every object, then a bookmark marking its end, then changes from there
    boolean initialEvents = ex.flag("sendInitialEvents");
    java.util.List<ObjectNode> initial = java.util.List.of();
    String initialRevision = null;
    if (initialEvents) {
      if (!opts.allowWatchBookmarks() || !"NotOlderThan".equals(ex.param("resourceVersionMatch"))) {
        throw ApiException.invalid(type, "", java.util.List.of(dev.ordinal.api.FieldError.forbidden("sendInitialEvents",
            "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan and allowWatchBookmarks to true")));
      }
      var list = store.list(ns, new ListOptions(opts.labelSelector(), opts.fieldSelector(), "", 0, "", true, 0));
      initial = list.items();
      initialRevision = list.resourceVersion();
      opts = new ListOptions(opts.labelSelector(), opts.fieldSelector(), initialRevision, 0, "", true, opts.timeoutSeconds());
    }
    CacheWatcher watcher;
    try {
      watcher = store.watch(ns, opts);
    } catch (ApiException e) {
      if (e.code() != 410) {
        throw e;
      }
      // Kubernetes starts the stream and sends the 410 as an ERROR event, which informers expect.
      try (OutputStream out = ex.stream(200, "application/json")) {
        writeEvent(out, "ERROR", e.toStatus());
      } catch (IOException io) {
        // the client went away
      }
      ex.finish();
      return;
    }
    boolean first = true;
    long nextBookmark = System.currentTimeMillis() + BOOKMARK_EVERY_MS;
    try (watcher; OutputStream out = ex.stream(200, "application/json")) {
      if (initialEvents) {
        for (ObjectNode obj : initial) {
          writeEvent(out, "ADDED", obj);
        }
        ObjectNode end = bookmark(type, Long.parseLong(initialRevision));
        ((ObjectNode) end.get("metadata")).putObject("annotations").put("k8s.io/initial-events-end", "true");
        writeEvent(out, "BOOKMARK", end);
      }
      out.flush();
      while (System.currentTimeMillis() < deadline && !watcher.isTerminated()) {
        long wait = Math.min(Math.min(deadline, nextBookmark) - System.currentTimeMillis(), 1000);
        CacheEvent e = watcher.poll(Math.max(wait, 1), TimeUnit.MILLISECONDS);
        if (e == null) {
          if (opts.allowWatchBookmarks() && System.currentTimeMillis() >= nextBookmark) {
            writeEvent(out, "BOOKMARK", bookmark(type, store.currentRevision()));
            out.flush();
            nextBookmark = System.currentTimeMillis() + BOOKMARK_EVERY_MS;
          }
          continue;
        }
        ObjectNode obj = asTable ? tables.watchRow(type, e.object(), includeObject, first) : e.object();
        first = false;
        writeEvent(out, e.type().name(), obj);
        // drain what else is ready before flushing, so bursts go out as one chunk
        CacheEvent more;
        while ((more = watcher.poll(0, TimeUnit.MILLISECONDS)) != null) {
          writeEvent(out, more.type().name(), asTable ? tables.watchRow(type, more.object(), includeObject, false) : more.object());
        }
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // the client went away, or the server is stopping
    } finally {
      ex.finish();
    }
  }

  private static ObjectNode bookmark(ResourceType type, long revision) {
    ObjectNode b = Json.object();
    b.put("kind", type.kind()).put("apiVersion", type.apiVersion());
    b.putObject("metadata").put("resourceVersion", Long.toString(revision));
    return b;
  }

  private static void writeEvent(OutputStream out, String type, ObjectNode obj) throws IOException {
    ObjectNode ev = Json.object();
    ev.put("type", type);
    ev.set("object", obj);
    out.write(Json.bytes(ev));
    out.write('\n');
  }
}
