package dev.ordinal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ordinal.storage.KeyValue;
import dev.ordinal.storage.SqliteStorage;
import dev.ordinal.storage.etcd.EtcdStorage;
import dev.ordinal.storage.etcd.LocalEtcd;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ordinal migrate --to-etcd} of a cluster made by the in-process server, then served from etcd. */
class MigrateIT {
  @TempDir Path dir;

  private static Map<String, String> contents(dev.ordinal.storage.Storage s) {
    Map<String, String> out = new TreeMap<>();
    for (KeyValue kv : s.list("/registry/", 0).items()) {
      out.put(kv.key(), new String(kv.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return out;
  }

  @Test
  void everyObjectIsInEtcdAfterwardsAndTheServerRunsOnIt() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(LocalEtcd.available(), "needs Debian's etcd-server (" + LocalEtcd.BINARY + ")");
    DataDir data = DataDir.open(dir.resolve("data"));
    try (ControlPlane plane = ControlPlane.start(data, "127.0.0.1", 0)) {
      // the bootstrap objects (namespaces, RBAC, the kubernetes Service) are the cluster's content
      assertThat(plane.port()).isPositive();
    }
    Map<String, String> before;
    try (SqliteStorage sqlite = SqliteStorage.open(data.database())) {
      before = contents(sqlite);
    }
    assertThat(before).hasSizeGreaterThan(50);

    try (LocalEtcd etcd = LocalEtcd.start(1)) {
      int code = new CommandLine(new Main()).execute("migrate", "--to-etcd", "--etcd-endpoints", etcd.endpointList(),
          "--data-dir", data.root().toString());
      assertThat(code).isZero();
      try (EtcdStorage stored = EtcdStorage.open(etcd.config())) {
        assertThat(contents(stored)).isEqualTo(before);
      }
      // a second run finds everything there and changes nothing
      assertThat(new CommandLine(new Main()).execute("migrate", "--to-etcd", "--etcd-endpoints", etcd.endpointList(),
          "--data-dir", data.root().toString())).isZero();
      // and the control plane starts on etcd with the migrated objects
      try (ControlPlane plane = ControlPlane.start(data, "127.0.0.1", 0, ControlPlane.Runtime.NONE, ControlPlane.NodeOptions.DEFAULT,
          ControlPlane.AuditOptions.DEFAULT, ControlPlane.ClusterOptions.DEFAULT, new ControlPlane.StorageOptions(etcd.config()));
          EtcdStorage stored = EtcdStorage.open(etcd.config())) {
        assertThat(contents(stored).keySet()).containsAll(before.keySet());
      }
    }
  }
}
