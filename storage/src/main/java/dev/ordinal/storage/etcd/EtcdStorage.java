package dev.ordinal.storage.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.ListResult;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.StorageException;
import dev.ordinal.storage.WatchEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * {@link Storage} in etcd, through etcd's v3 JSON gateway: revisions are etcd's, writes are
 * transactions that compare the key's mod revision, lists read pages at one revision, watches are
 * etcd watches that resume after a broken stream, and compaction is etcd's.
 *
 * <p>Why the gateway and not jetcd or gRPC: see ARCHITECTURE.md ("State in etcd"). The
 * transactions are the four shapes kube-apiserver's etcd3 store sends (create, update, delete,
 * compaction bookkeeping), so the etcd a Kubernetes operator already runs fits as it is.
 */
public final class EtcdStorage implements Storage {
  private static final int PAGE = 500;

  private final EtcdGateway gateway;
  private final EtcdKeys keys;
  private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
  private volatile long knownCompacted;
  private volatile boolean closed;
  private EtcdCompactor compactor;

  private EtcdStorage(EtcdGateway gateway, EtcdKeys keys) {
    this.gateway = gateway;
    this.keys = keys;
  }

  /** Connects to etcd (failing at once if no endpoint answers); keys as they are. */
  public static EtcdStorage open(EtcdConfig config) {
    return open(config, "");
  }

  /** As {@link #open(EtcdConfig)}, with every key under {@code namespace}. */
  public static EtcdStorage open(EtcdConfig config, String namespace) {
    EtcdGateway gateway = new EtcdGateway(config);
    EtcdStorage storage = new EtcdStorage(gateway, new EtcdKeys(namespace));
    try {
      storage.currentRevision();
      return storage;
    } catch (RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  /** etcd's current revision: that of the latest write anywhere in etcd. */
  @Override
  public long currentRevision() {
    ObjectNode body = range(keys.compactKey());
    body.put("count_only", true);
    return EtcdGateway.revision(call("/v3/kv/range", body));
  }

  /**
   * The newest revision known to be compacted: what this store compacted, what etcd refused a
   * read for, and what the servers' compaction key records (it names the revision they compact
   * to, written just before the compaction).
   */
  @Override
  public long compactedRevision() {
    JsonNode answer = call("/v3/kv/range", range(keys.compactKey()));
    JsonNode kvs = answer.path("kvs");
    long recorded = 0;
    if (!kvs.isEmpty()) {
      try {
        recorded = Long.parseLong(EtcdGateway.text(kvs.get(0).get("value")));
      } catch (NumberFormatException e) {
        recorded = 0;
      }
    }
    return Math.max(knownCompacted, recorded);
  }

  @Override
  public Optional<KeyValue> get(String key) {
    requireKey(key);
    JsonNode kvs = call("/v3/kv/range", range(keys.full(key))).path("kvs");
    return kvs.isEmpty() ? Optional.empty() : Optional.of(keys.keyValue(key, kvs.get(0)));
  }

  @Override
  public KeyValue create(String key, byte[] value) {
    requireKey(key);
    requireValue(value);
    String k = keys.full(key);
    ObjectNode txn = EtcdGateway.JSON.createObjectNode();
    compare(txn, k, "CREATE", "EQUAL", 0);
    put(txn.putArray("success"), k, value);
    JsonNode answer = call("/v3/kv/txn", txn);
    if (!answer.path("succeeded").asBoolean(false)) {
      throw new StorageException.KeyExists(key);
    }
    long revision = EtcdGateway.revision(answer);
    return new KeyValue(key, value, revision, revision);
  }

  @Override
  public KeyValue update(String key, byte[] value, long expectedModRevision) {
    requireKey(key);
    requireValue(value);
    String k = keys.full(key);
    ObjectNode txn = EtcdGateway.JSON.createObjectNode();
    compare(txn, k, "CREATE", "GREATER", 0);
    compare(txn, k, "MOD", "EQUAL", expectedModRevision);
    put(txn.putArray("success"), k, value);
    txn.putArray("failure").addObject().set("request_range", range(k));
    JsonNode answer = call("/v3/kv/txn", txn);
    if (!answer.path("succeeded").asBoolean(false)) {
      throw failed(key, expectedModRevision, answer);
    }
    JsonNode prev = answer.path("responses").path(0).path("response_put").path("prev_kv");
    long revision = EtcdGateway.revision(answer);
    return new KeyValue(key, value, prev.path("create_revision").asLong(revision), revision);
  }

  @Override
  public KeyValue delete(String key, long expectedModRevision) {
    requireKey(key);
    String k = keys.full(key);
    ObjectNode txn = EtcdGateway.JSON.createObjectNode();
    compare(txn, k, "CREATE", "GREATER", 0);
    if (expectedModRevision != 0) {
      compare(txn, k, "MOD", "EQUAL", expectedModRevision);
    }
    ObjectNode delete = txn.putArray("success").addObject().putObject("request_delete_range");
    delete.put("key", EtcdGateway.b64(k));
    delete.put("prev_kv", true);
    txn.putArray("failure").addObject().set("request_range", range(k));
    JsonNode answer = call("/v3/kv/txn", txn);
    if (!answer.path("succeeded").asBoolean(false)) {
      throw failed(key, expectedModRevision, answer);
    }
    JsonNode prev = answer.path("responses").path(0).path("response_delete_range").path("prev_kvs").path(0);
    KeyValue was = keys.keyValue(key, prev);
    return new KeyValue(key, was.value(), was.createRevision(), EtcdGateway.revision(answer));
  }

  /** The failure branch's read tells a missing key from a newer one. */
  private static StorageException failed(String key, long expected, JsonNode answer) {
    JsonNode kvs = answer.path("responses").path(0).path("response_range").path("kvs");
    if (kvs.isEmpty()) {
      return new StorageException.KeyNotFound(key);
    }
    return new StorageException.Conflict(key, expected, kvs.get(0).path("mod_revision").asLong());
  }

  /** Reads the keys page by page, every page at the revision of the first. */
  @Override
  public ListResult list(String prefix, long revision) {
    if (prefix == null) {
      throw new IllegalArgumentException("prefix must not be null");
    }
    if (revision != 0 && revision < knownCompacted) {
      throw new StorageException.Compacted(revision, knownCompacted);
    }
    String[] range = keys.range(prefix);
    String from = range[0];
    long at = revision;
    List<KeyValue> items = new ArrayList<>();
    while (true) {
      ObjectNode body = EtcdGateway.JSON.createObjectNode();
      body.put("key", EtcdGateway.b64(from));
      body.put("range_end", EtcdGateway.b64(range[1]));
      body.put("limit", PAGE);
      if (at != 0) {
        body.put("revision", at);
      }
      JsonNode answer;
      try {
        answer = call("/v3/kv/range", body);
      } catch (EtcdGateway.EtcdException e) {
        throw translate(e, revision);
      }
      if (at == 0) {
        at = EtcdGateway.revision(answer);
      }
      JsonNode kvs = answer.path("kvs");
      String lastKey = null;
      for (JsonNode kv : kvs) {
        lastKey = EtcdGateway.text(kv.get("key"));
        String key = keys.strip(lastKey);
        if (key != null) {
          items.add(keys.keyValue(key, kv));
        }
      }
      if (!answer.path("more").asBoolean(false) || lastKey == null) {
        return new ListResult(items, at);
      }
      from = lastKey + "\0";
    }
  }

  private StorageException translate(EtcdGateway.EtcdException e, long revision) {
    EtcdGateway.EtcdError error = new EtcdGateway.EtcdError(e.code, e.getMessage());
    if (error.compacted()) {
      long compacted = Math.max(compactedRevision(), revision + 1);
      knownCompacted = Math.max(knownCompacted, compacted);
      return new StorageException.Compacted(revision, compacted);
    }
    if (error.futureRevision()) {
      return new StorageException.FutureRevision(revision, currentRevision());
    }
    return e;
  }

  @Override
  public AutoCloseable watch(String prefix, long afterRevision, Consumer<WatchEvent> sink) {
    if (sink == null) {
      throw new IllegalArgumentException("sink must not be null");
    }
    ensureOpen();
    long compacted = compactedRevision();
    if (afterRevision < compacted) {
      throw new StorageException.Compacted(afterRevision, compacted);
    }
    String[] range = keys.range(prefix);
    EtcdWatch[] self = new EtcdWatch[1];
    EtcdWatch watch = new EtcdWatch(gateway, keys, range[0], range[1], afterRevision, sink, () -> watches.remove(self[0]));
    self[0] = watch;
    watches.add(watch);
    try {
      watch.start();
    } catch (RuntimeException e) {
      watches.remove(watch);
      throw e;
    }
    return watch;
  }

  @Override
  public void requestProgress() {
    for (EtcdWatch w : watches) {
      w.requestProgress();
    }
  }

  @Override
  public void compact(long revision) {
    ObjectNode body = EtcdGateway.JSON.createObjectNode();
    body.put("revision", revision);
    try {
      call("/v3/kv/compaction", body);
    } catch (EtcdGateway.EtcdException e) {
      EtcdGateway.EtcdError error = new EtcdGateway.EtcdError(e.code, e.getMessage());
      if (error.futureRevision()) {
        throw new StorageException.FutureRevision(revision, currentRevision());
      }
      if (!error.compacted()) {
        throw e;
      }
      // compacted already, by us or another server: the wanted history is gone either way
    }
    knownCompacted = Math.max(knownCompacted, revision);
  }

  /**
   * Compacts every {@code interval} as kube-apiserver does: each server, at each tick, moves the
   * shared {@code compact_rev_key} on by compare-and-swap on its version, and the one that
   * succeeds compacts to the revision seen at the previous tick, so the history kept is one to
   * two intervals long whatever the number of servers. Stopped by {@link #close}.
   */
  public synchronized void startCompaction(Duration interval) {
    ensureOpen();
    if (compactor != null) {
      compactor.close();
    }
    compactor = new EtcdCompactor(this, interval);
  }

  /** One compaction tick; see {@link #startCompaction}. Returns the compaction key's version. */
  long compactTick(long expectedVersion, long previousRevision, long[] observedRevision) {
    String k = keys.compactKey();
    ObjectNode txn = EtcdGateway.JSON.createObjectNode();
    compare(txn, k, "VERSION", "EQUAL", expectedVersion);
    put(txn.putArray("success"), k, Long.toString(previousRevision).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    txn.putArray("failure").addObject().set("request_range", range(k));
    JsonNode answer = call("/v3/kv/txn", txn);
    observedRevision[0] = EtcdGateway.revision(answer);
    if (!answer.path("succeeded").asBoolean(false)) {
      return answer.path("responses").path(0).path("response_range").path("kvs").path(0).path("version").asLong(0);
    }
    if (previousRevision > 0) {
      compact(previousRevision);
    }
    return expectedVersion + 1;
  }

  /** The number of open watches; for tests. */
  public int watchCount() {
    return watches.size();
  }

  @Override
  public void close() {
    EtcdCompactor c;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      c = compactor;
      compactor = null;
    }
    if (c != null) {
      c.close();
    }
    for (EtcdWatch w : List.copyOf(watches)) {
      w.close();
    }
    watches.clear();
    gateway.close();
  }

  private JsonNode call(String path, ObjectNode body) {
    ensureOpen();
    return gateway.call(path, body);
  }

  private ObjectNode range(String etcdKey) {
    ObjectNode body = EtcdGateway.JSON.createObjectNode();
    body.put("key", EtcdGateway.b64(etcdKey));
    return body;
  }

  private static void compare(ObjectNode txn, String key, String target, String result, long value) {
    ArrayNode compares = txn.has("compare") ? (ArrayNode) txn.get("compare") : txn.putArray("compare");
    ObjectNode c = compares.addObject();
    c.put("target", target);
    c.put("key", EtcdGateway.b64(key));
    c.put("result", result);
    String field = switch (target) {
      case "CREATE" -> "create_revision";
      case "MOD" -> "mod_revision";
      case "VERSION" -> "version";
      default -> throw new IllegalArgumentException(target);
    };
    c.put(field, value);
  }

  private static void put(ArrayNode ops, String key, byte[] value) {
    ObjectNode put = ops.addObject().putObject("request_put");
    put.put("key", EtcdGateway.b64(key));
    put.put("value", EtcdGateway.b64(value));
    put.put("prev_kv", true);
  }

  private void ensureOpen() {
    if (closed) {
      throw new StorageException("etcd storage is closed");
    }
  }

  private static void requireKey(String key) {
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("key must not be empty");
    }
  }

  private static void requireValue(byte[] value) {
    if (value == null) {
      throw new IllegalArgumentException("value must not be null");
    }
  }
}
