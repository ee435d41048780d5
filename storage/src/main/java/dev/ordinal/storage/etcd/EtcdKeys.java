package dev.ordinal.storage.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.storage.KeyValue;

/**
 * How the store's keys sit in etcd's key space: under a namespace (kube-apiserver's
 * {@code --etcd-prefix}; empty by default, since Ordinal's keys already start with
 * {@code /registry/}), beside the compaction bookkeeping key that several servers share
 * ({@code compact_rev_key}, as kube-apiserver's), which lists and watches never show.
 */
record EtcdKeys(String namespace) {
  static final String COMPACT_KEY = "compact_rev_key";

  String full(String key) {
    return namespace + key;
  }

  String compactKey() {
    return namespace + COMPACT_KEY;
  }

  /** The store's key for an etcd key, or null for keys that are not the store's. */
  String strip(String etcdKey) {
    if (!etcdKey.startsWith(namespace) || etcdKey.equals(compactKey())) {
      return null;
    }
    return etcdKey.substring(namespace.length());
  }

  /** The etcd range [start, end) of the keys starting with {@code prefix}. */
  String[] range(String prefix) {
    String start = full(prefix);
    return new String[] {start.isEmpty() ? "\0" : start, prefixEnd(start)};
  }

  /**
   * The first key after every key starting with {@code prefix} ("\0": no end, etcd's "all
   * keys"). Incrementing the last character is exact for ASCII keys, which Kubernetes' are.
   */
  static String prefixEnd(String prefix) {
    int last = prefix.length() - 1;
    while (last >= 0 && prefix.charAt(last) >= 0x7f) {
      last--;
    }
    return last < 0 ? "\0" : prefix.substring(0, last) + (char) (prefix.charAt(last) + 1);
  }

  KeyValue keyValue(String key, JsonNode kv) {
    return new KeyValue(key, EtcdGateway.bytes(kv.get("value")), kv.path("create_revision").asLong(),
        kv.path("mod_revision").asLong());
  }
}
