package dev.ordinal.controllers.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.volume.DefaultStorageClass;
import dev.ordinal.controllers.volume.DirectoryBacking;
import dev.ordinal.controllers.volume.LocalPathProvisioner;
import dev.ordinal.controllers.volume.PersistentVolumeBinder;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots against the real in-process API with directory volumes (the simulated runtime's):
 * validation, a snapshot taken and restored into a new claim with its data, a too-small claim
 * refused, Delete and Retain.
 */
class SnapshotIT {
  @TempDir Path dir;
  SqliteStorage storage;
  Registry registry;
  Client client;
  LocalPathProvisioner provisioner;
  PersistentVolumeBinder binder;
  SnapshotController snapshots;

  @BeforeEach
  void start() throws Exception {
    storage = SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    client.create(Types.NAMESPACES, null, obj("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'d'}}"));
    DefaultStorageClass.ensure(client);
    DirectoryBacking backing = new DirectoryBacking(Files.createDirectories(dir.resolve("volumes")));
    provisioner = new LocalPathProvisioner(client, "node-a", backing);
    provisioner.start();
    binder = new PersistentVolumeBinder(client, provisioner);
    binder.start();
    snapshots = new SnapshotController(client, backing, "node-a");
    snapshots.start();
  }

  @AfterEach
  void stop() {
    snapshots.close();
    binder.close();
    provisioner.close();
    registry.close();
    storage.close();
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  static ObjectNode snapshotClass(String name, String policy) {
    return obj("{'apiVersion':'snapshot.storage.k8s.io/v1','kind':'VolumeSnapshotClass','metadata':{'name':'" + name + "',"
        + "'annotations':{'snapshot.storage.kubernetes.io/is-default-class':'" + name.equals("local") + "'}},"
        + "'driver':'ordinal.dev/local-path','deletionPolicy':'" + policy + "'}");
  }

  static ObjectNode snapshot(String name, String source) {
    return obj("{'apiVersion':'snapshot.storage.k8s.io/v1','kind':'VolumeSnapshot','metadata':{'name':'" + name + "'},"
        + "'spec':{'source':" + source + "}}");
  }

  static ObjectNode claim(String name, String size, String extraSpec) {
    // local-path binds at first consumer: the annotation stands for the scheduler's choice
    return obj("{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'" + name + "',"
        + "'annotations':{'volume.kubernetes.io/selected-node':'node-a'}},'spec':{'accessModes':['ReadWriteOnce'],"
        + "'resources':{'requests':{'storage':'" + size + "'}}" + extraSpec + "}}");
  }

  static String fromSnapshot(String name) {
    return ",'dataSource':{'apiGroup':'snapshot.storage.k8s.io','kind':'VolumeSnapshot','name':'" + name + "'}";
  }

  Path volumeOf(String claim) {
    await().atMost(Duration.ofSeconds(15)).until(() -> client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim)
        .path("status").path("phase").asText().equals("Bound"));
    String pv = client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim).path("spec").path("volumeName").asText();
    return Path.of(client.get(Types.PERSISTENT_VOLUMES, null, pv).path("spec").path("hostPath").path("path").asText());
  }

  boolean ready(String name) {
    return client.find(Types.VOLUME_SNAPSHOTS, "d", name).map(s -> s.path("status").path("readyToUse").asBoolean(false)).orElse(false);
  }

  static String apiError(Runnable r) {
    try {
      r.run();
    } catch (ApiException e) {
      return e.code() + " " + e.getMessage();
    }
    return "no error";
  }

  @Test
  void badSpecsAre422WithFieldPaths() {
    assertThat(apiError(() -> client.create(Types.VOLUME_SNAPSHOTS, "d", snapshot("both",
        "{'persistentVolumeClaimName':'a','volumeSnapshotContentName':'b'}"))))
        .startsWith("422").contains("spec.source: Invalid value").contains("exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set");
    assertThat(apiError(() -> client.create(Types.VOLUME_SNAPSHOTS, "d", snapshot("neither", "{}"))))
        .startsWith("422").contains("exactly one of");
    assertThat(apiError(() -> client.create(Types.VOLUME_SNAPSHOT_CLASSES, null,
        obj("{'apiVersion':'snapshot.storage.k8s.io/v1','kind':'VolumeSnapshotClass','metadata':{'name':'x'},'deletionPolicy':'Keep'}"))))
        .startsWith("422").contains("driver: Required value").contains("deletionPolicy: Unsupported value: \"Keep\"");
    client.create(Types.VOLUME_SNAPSHOTS, "d", snapshot("fixed", "{'persistentVolumeClaimName':'a'}"));
    ObjectNode vs = client.get(Types.VOLUME_SNAPSHOTS, "d", "fixed");
    ((ObjectNode) vs.path("spec").path("source")).put("persistentVolumeClaimName", "b");
    assertThat(apiError(() -> client.update(Types.VOLUME_SNAPSHOTS, vs))).startsWith("422").contains("persistentVolumeClaimName is immutable");
    assertThat(apiError(() -> client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("bad", "1Gi",
        ",'dataSource':{'kind':'VolumeSnapshot','name':'s'}")))).startsWith("422").contains("spec.dataSource.kind");
  }

  @Test
  void aSnapshotRestoresIntoANewClaimWithItsData() throws Exception {
    client.create(Types.VOLUME_SNAPSHOT_CLASSES, null, snapshotClass("local", "Delete"));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("data", "50Mi", ""));
    Files.writeString(volumeOf("data").resolve("rows.txt"), "1,2,3\n");
    client.create(Types.VOLUME_SNAPSHOTS, "d", snapshot("snap", "{'persistentVolumeClaimName':'data'}"));
    await().atMost(Duration.ofSeconds(15)).until(() -> ready("snap"));
    ObjectNode vs = client.get(Types.VOLUME_SNAPSHOTS, "d", "snap");
    assertThat(vs.path("status").path("restoreSize").asText()).isEqualTo("50Mi");
    assertThat(vs.path("metadata").path("finalizers").toString()).contains(SnapshotPlanner.AS_SOURCE, SnapshotPlanner.BOUND);
    String content = vs.path("status").path("boundVolumeSnapshotContentName").asText();
    assertThat(content).isEqualTo("snapcontent-" + vs.path("metadata").path("uid").asText());
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "data")
        .path("metadata").path("finalizers").toString().contains(SnapshotPlanner.PVC_AS_SOURCE));
    Files.writeString(volumeOf("data").resolve("rows.txt"), "changed after the snapshot\n");

    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("small", "10Mi", fromSnapshot("snap")));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("restored", "80Mi", fromSnapshot("snap")));
    assertThat(Files.readString(volumeOf("restored").resolve("rows.txt"))).isEqualTo("1,2,3\n");
    ObjectNode restored = client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "restored");
    assertThat(restored.path("spec").path("dataSourceRef").path("name").asText()).isEqualTo("snap");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.list(Types.EVENTS, "d", dev.ordinal.apiserver.registry.ListOptions.ALL).items().stream()
        .anyMatch(e -> e.path("involvedObject").path("name").asText().equals("small")
            && e.path("message").asText().contains("requested volume size 10485760 is less than the size 52428800 for the source snapshot snap")));
    assertThat(client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "small").path("status").path("phase").asText()).isEqualTo("Pending");
    client.delete(Types.PERSISTENT_VOLUME_CLAIMS, "d", "small", DeleteOptions.DEFAULT);

    String handle = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, content).path("status").path("snapshotHandle").asText();
    assertThat(Path.of(handle)).isDirectory();
    client.delete(Types.VOLUME_SNAPSHOTS, "d", "snap", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(15)).until(() -> client.find(Types.VOLUME_SNAPSHOTS, "d", "snap").isEmpty()
        && client.find(Types.VOLUME_SNAPSHOT_CONTENTS, null, content).isEmpty());
    assertThat(Path.of(handle)).doesNotExist();
    assertThat(Files.readString(volumeOf("restored").resolve("rows.txt"))).isEqualTo("1,2,3\n");
  }

  @Test
  void retainKeepsTheContentAndItsDataAfterTheSnapshotGoes() throws Exception {
    client.create(Types.VOLUME_SNAPSHOT_CLASSES, null, snapshotClass("keep", "Retain"));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("data", "50Mi", ""));
    Files.writeString(volumeOf("data").resolve("f"), "kept");
    ObjectNode vs = snapshot("snap", "{'persistentVolumeClaimName':'data'}");
    ((ObjectNode) vs.path("spec")).put("volumeSnapshotClassName", "keep");
    client.create(Types.VOLUME_SNAPSHOTS, "d", vs);
    await().atMost(Duration.ofSeconds(15)).until(() -> ready("snap"));
    String content = client.get(Types.VOLUME_SNAPSHOTS, "d", "snap").path("status").path("boundVolumeSnapshotContentName").asText();
    client.delete(Types.VOLUME_SNAPSHOTS, "d", "snap", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(15)).until(() -> client.find(Types.VOLUME_SNAPSHOTS, "d", "snap").isEmpty());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> client.find(Types.VOLUME_SNAPSHOT_CONTENTS, null, content).isPresent());
    String handle = client.get(Types.VOLUME_SNAPSHOT_CONTENTS, null, content).path("status").path("snapshotHandle").asText();
    assertThat(Path.of(handle).resolve("f")).hasContent("kept");
  }
}
