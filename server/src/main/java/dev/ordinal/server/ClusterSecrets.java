package dev.ordinal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.Storage;
import dev.ordinal.storage.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The secrets every API server of one cluster must share — the cluster CA, the ServiceAccount
 * signing key and the admin token — are files of each server's data directory, copied there from
 * the first server's by the operator (as kubeadm's manual certificate distribution). They never
 * go into the store: etcd's snapshots and backups, and anyone who can read etcd, would then hold
 * the key that makes any user. What the store keeps is their SHA-256 fingerprints, under a key
 * outside {@code /registry/} (so no API request reaches it): the first server writes them, and a
 * server whose files differ refuses to start, rather than serve a second CA to the same cluster.
 */
final class ClusterSecrets {
  static final String KEY = "/ordinal/control-plane/secrets";

  private ClusterSecrets() {}

  /** The fingerprints of a data directory's secrets. */
  static ObjectNode fingerprints(DataDir dir) throws IOException, GeneralSecurityException {
    ClusterCa ca = ClusterCa.load(dir.root().resolve("tls"));
    ObjectNode f = Json.object();
    f.put("ca", sha256(ca.certificate().getEncoded()));
    f.put("serviceAccountKey", dir.serviceAccountKey().keyId());
    f.put("token", sha256(dir.token().getBytes(StandardCharsets.UTF_8)));
    return f;
  }

  /**
   * Records the fingerprints if this is the cluster's first server, else checks them.
   *
   * @throws IllegalStateException naming what differs and what to copy
   */
  static void check(Storage storage, DataDir dir) throws IOException, GeneralSecurityException {
    ObjectNode mine = fingerprints(dir);
    Optional<KeyValue> stored = storage.get(KEY);
    if (stored.isEmpty()) {
      try {
        storage.create(KEY, Json.bytes(mine));
        return;
      } catch (StorageException.KeyExists e) {
        stored = storage.get(KEY); // another server started at the same moment
      }
    }
    ObjectNode theirs = Json.parseObject(stored.orElseThrow().value());
    StringBuilder differ = new StringBuilder();
    for (String field : new String[] {"ca", "serviceAccountKey", "token"}) {
      if (!mine.path(field).asText().equals(theirs.path(field).asText())) {
        differ.append(differ.isEmpty() ? "" : ", ").append(field);
      }
    }
    if (!differ.isEmpty()) {
      throw new IllegalStateException("this cluster's other API servers use another " + differ + " than " + dir.root()
          + ": copy tls/ca.crt, tls/ca.key, sa.key and token from the first server's data directory into this one "
          + "(docs/multi-node.md, \"Several API servers\")");
    }
  }

  private static String sha256(byte[] b) throws GeneralSecurityException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
