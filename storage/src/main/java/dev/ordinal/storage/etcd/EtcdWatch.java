package dev.ordinal.storage.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.StorageException;
import dev.ordinal.storage.WatchEvent;
import dev.ordinal.storage.WatchSink;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link dev.ordinal.storage.Storage#watch} on etcd: a {@link WatchStream} read by a virtual
 * thread that delivers to the sink, and that, when the stream breaks (a member stopped, etcd
 * restarted), opens a new one on the next endpoint from the revision after the last delivered
 * change, backing off up to 2 s, for as long as the watch is open.
 *
 * <p>Resuming uses the last delivered <em>change</em>, not the last progress notification: etcd
 * 3.4.23 (Debian's) can answer a progress request with the store's revision while the watch is
 * still catching up (etcd#15220, fixed in 3.4.25), and resuming from such a revision would skip
 * changes. Progress is only passed on to the sink.
 */
final class EtcdWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EtcdWatch.class);

  private final EtcdGateway gateway;
  private final EtcdKeys keys;
  private final String start;
  private final String end;
  private final Consumer<WatchEvent> sink;
  private final Runnable onEnd;
  private volatile long lastChange;
  private volatile WatchStream stream;
  private volatile boolean closed;
  private Thread thread;

  EtcdWatch(EtcdGateway gateway, EtcdKeys keys, String start, String end, long afterRevision,
      Consumer<WatchEvent> sink, Runnable onEnd) {
    this.gateway = gateway;
    this.keys = keys;
    this.start = start;
    this.end = end;
    this.lastChange = afterRevision;
    this.sink = sink;
    this.onEnd = onEnd;
  }

  /** Opens the first stream here, so that a compacted start revision fails the caller. */
  void start() {
    StorageException failure = null;
    List<URI> endpoints = gateway.endpoints();
    for (int i = 0; i < endpoints.size() && stream == null; i++) {
      URI endpoint = endpoints.get(Math.floorMod(gateway.preferredIndex() + i, endpoints.size()));
      try {
        stream = connect(endpoint);
      } catch (IOException e) {
        failure = new StorageException("cannot watch etcd at " + endpoint + ": " + e.getMessage(), e);
      }
    }
    if (stream == null) {
      throw failure;
    }
    thread = Thread.ofVirtual().name("etcd-watch-" + start).start(this::run);
  }

  /** A new stream from the revision after the last change; throws Compacted if etcd refused it. */
  private WatchStream connect(URI endpoint) throws IOException {
    WatchStream s = WatchStream.open(endpoint, gateway.ssl());
    try {
      ObjectNode create = EtcdGateway.JSON.createObjectNode();
      ObjectNode request = create.putObject("create_request");
      request.put("key", EtcdGateway.b64(start));
      request.put("range_end", EtcdGateway.b64(end));
      request.put("start_revision", lastChange + 1);
      request.put("prev_kv", true);
      request.put("progress_notify", true);
      s.send(create);
      // the answer to the create request comes at once; a member that does not answer is skipped
      s.timeout(10_000);
      s.readHead();
      JsonNode first = result(s.next());
      s.timeout(0);
      if (first.path("canceled").asBoolean(false)) {
        long compacted = first.path("compact_revision").asLong(0);
        if (compacted > 0) {
          throw new StorageException.Compacted(lastChange, compacted);
        }
        throw new IOException("etcd canceled the watch: " + first.path("cancel_reason").asText(""));
      }
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static JsonNode result(JsonNode message) throws IOException {
    if (message.has("error")) {
      throw new IOException("etcd watch error: " + message.path("error").path("message").asText(message.path("error").toString()));
    }
    return message.path("result");
  }

  private void run() {
    long backoff = 100;
    int endpoint = gateway.preferredIndex();
    try {
      while (!closed) {
        WatchStream s = stream;
        if (s != null) {
          try {
            read(s);
          } catch (IOException | RuntimeException e) {
            if (closed) {
              return;
            }
            log.info("etcd watch on {} broke after revision {} ({}); resuming", start, lastChange, e.toString());
          } finally {
            s.close();
            stream = null;
          }
          backoff = 100;
        }
        if (closed) {
          return;
        }
        endpoint++;
        URI next = gateway.endpoints().get(Math.floorMod(endpoint, gateway.endpoints().size()));
        try {
          stream = connect(next);
          if (closed) {
            stream.close();
          }
        } catch (StorageException.Compacted e) {
          log.warn("etcd watch on {} cannot resume: {}", start, e.getMessage());
          if (sink instanceof WatchSink w) {
            w.lost(e);
          }
          return;
        } catch (IOException | RuntimeException e) {
          Thread.sleep(backoff);
          backoff = Math.min(2000, backoff * 2);
        }
      }
    } catch (InterruptedException e) {
      // closed
    } finally {
      onEnd.run();
    }
  }

  private void read(WatchStream s) throws IOException {
    while (!closed) {
      JsonNode r = result(s.next());
      if (r.path("canceled").asBoolean(false)) {
        throw new IOException("etcd canceled the watch: " + r.path("cancel_reason").asText(""));
      }
      JsonNode events = r.path("events");
      if (events.isEmpty()) {
        if (!r.path("created").asBoolean(false) && sink instanceof WatchSink w) {
          w.progress(EtcdGateway.revision(r));
        }
        continue;
      }
      for (JsonNode e : events) {
        WatchEvent event = event(e);
        if (event == null) {
          continue;
        }
        if (closed) {
          return;
        }
        try {
          sink.accept(event);
        } catch (RuntimeException failure) {
          log.warn("watch sink for prefix {} failed at revision {}", start, event.revision(), failure);
        }
        lastChange = event.revision();
      }
      // changes outside this store's keys (the compaction key) still move the watch on
      lastChange = Math.max(lastChange, events.get(events.size() - 1).path("kv").path("mod_revision").asLong());
    }
  }

  private WatchEvent event(JsonNode e) {
    JsonNode kv = e.path("kv");
    String key = keys.strip(EtcdGateway.text(kv.get("key")));
    if (key == null) {
      return null;
    }
    JsonNode prevNode = e.get("prev_kv");
    KeyValue prev = prevNode == null ? null : keys.keyValue(key, prevNode);
    long revision = kv.path("mod_revision").asLong();
    if ("DELETE".equals(e.path("type").asText("PUT"))) {
      KeyValue deleted = prev == null
          ? new KeyValue(key, new byte[0], 0, revision)
          : new KeyValue(key, prev.value(), prev.createRevision(), revision);
      return new WatchEvent(WatchEvent.Type.DELETE, deleted, prev);
    }
    KeyValue now = keys.keyValue(key, kv);
    // a create has no previous value even where etcd kept one from before a deletion
    return new WatchEvent(WatchEvent.Type.PUT, now, now.createRevision() == revision ? null : prev);
  }

  /** Asks etcd for a progress notification on this watch's stream. */
  void requestProgress() {
    WatchStream s = stream;
    if (s != null) {
      try {
        ObjectNode request = EtcdGateway.JSON.createObjectNode();
        request.putObject("progress_request");
        s.send(request);
      } catch (IOException e) {
        // the reader sees the broken stream and resumes
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    WatchStream s = stream;
    if (s != null) {
      s.close();
    }
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
