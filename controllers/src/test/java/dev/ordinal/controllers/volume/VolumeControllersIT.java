package dev.ordinal.controllers.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding, provisioning and reclaiming against the real in-process API. */
class VolumeControllersIT {
  @TempDir Path dir;
  SqliteStorage storage;
  Registry registry;
  Client client;
  LocalPathProvisioner provisioner;
  PersistentVolumeBinder binder;

  @BeforeEach
  void start() throws Exception {
    storage = SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    ObjectNode ns = Json.object();
    ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", "d");
    client.create(Types.NAMESPACES, null, ns);
    DefaultStorageClass.ensure(client);
    provisioner = new LocalPathProvisioner(client, "node-a", Files.createDirectories(dir.resolve("volumes")));
    provisioner.start();
    binder = new PersistentVolumeBinder(client, provisioner);
    binder.start();
  }

  @AfterEach
  void stop() {
    binder.close();
    provisioner.close();
    registry.close();
    storage.close();
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  ObjectNode claim(String name, String extraSpec) {
    return obj("{'apiVersion':'v1','kind':'PersistentVolumeClaim','metadata':{'name':'" + name + "'},'spec':{'accessModes':['ReadWriteOnce'],"
        + "'resources':{'requests':{'storage':'1Gi'}}" + extraSpec + "}}");
  }

  ObjectNode handMadeVolume(String name, String size, String reclaim) {
    return obj("{'apiVersion':'v1','kind':'PersistentVolume','metadata':{'name':'" + name + "','labels':{'type':'local'}},'spec':{"
        + "'capacity':{'storage':'" + size + "'},'accessModes':['ReadWriteOnce'],'storageClassName':'manual',"
        + "'persistentVolumeReclaimPolicy':'" + reclaim + "','hostPath':{'path':'" + dir.resolve(name) + "'},"
        + "'nodeAffinity':{'required':{'nodeSelectorTerms':[{'matchExpressions':[{'key':'kubernetes.io/hostname','operator':'In','values':['node-a']}]}]}}}}");
  }

  String phase(String type, String ns, String name) {
    return client.find("pv".equals(type) ? Types.PERSISTENT_VOLUMES : Types.PERSISTENT_VOLUME_CLAIMS, ns, name)
        .map(o -> o.path("status").path("phase").asText()).orElse("gone");
  }

  @Test
  void handMadeVolumesBindTheSmallestFitAndAreRetained() {
    client.create(Types.PERSISTENT_VOLUMES, null, handMadeVolume("big", "10Gi", "Retain"));
    client.create(Types.PERSISTENT_VOLUMES, null, handMadeVolume("small", "2Gi", "Retain"));
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pv", null, "small").equals("Available"));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("data", ",'storageClassName':'manual'"));
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc", "d", "data").equals("Bound"));
    assertThat(client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "data").path("spec").path("volumeName").asText()).isEqualTo("small");
    assertThat(phase("pv", null, "small")).isEqualTo("Bound");
    assertThat(phase("pv", null, "big")).isEqualTo("Available");
    client.delete(Types.PERSISTENT_VOLUME_CLAIMS, "d", "data", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pv", null, "small").equals("Released"));
  }

  @Test
  void aWaitingClaimBindsAReleasedVolumeOnceItsClaimRefIsCleared() {
    client.create(Types.PERSISTENT_VOLUMES, null, handMadeVolume("kept", "1Gi", "Retain"));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("data", ",'storageClassName':'manual'"));
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc", "d", "data").equals("Bound"));
    client.delete(Types.PERSISTENT_VOLUME_CLAIMS, "d", "data", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pv", null, "kept").equals("Released"));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("data", ",'storageClassName':'manual'"));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> phase("pvc", "d", "data").equals("Pending"));

    ObjectNode pv = client.get(Types.PERSISTENT_VOLUMES, null, "kept");
    ((ObjectNode) pv.path("spec")).remove("claimRef");
    client.update(Types.PERSISTENT_VOLUMES, pv);
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc", "d", "data").equals("Bound"));
    assertThat(phase("pv", null, "kept")).isEqualTo("Bound");
  }

  @Test
  void aHandMadeVolumeWithDeleteFails() {
    client.create(Types.PERSISTENT_VOLUMES, null, handMadeVolume("manual-del", "1Gi", "Delete"));
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("c", ",'storageClassName':'manual'"));
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc", "d", "c").equals("Bound"));
    client.delete(Types.PERSISTENT_VOLUME_CLAIMS, "d", "c", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pv", null, "manual-del").equals("Failed"));
  }

  @Test
  void waitForFirstConsumerClaimsAreProvisionedOnTheSelectedNodeAndDeletedWithTheirData() throws Exception {
    client.create(Types.PERSISTENT_VOLUME_CLAIMS, "d", claim("www", ""));
    Thread.sleep(500);
    assertThat(phase("pvc", "d", "www")).isEqualTo("Pending");
    assertThat(client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "www").path("spec").path("storageClassName").asText()).isEqualTo("local-path");
    ObjectNode c = client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "www");
    Meta.of(c).with("annotations").put("volume.kubernetes.io/selected-node", "node-a");
    client.update(Types.PERSISTENT_VOLUME_CLAIMS, c);
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pvc", "d", "www").equals("Bound"));
    String pvName = client.get(Types.PERSISTENT_VOLUME_CLAIMS, "d", "www").path("spec").path("volumeName").asText();
    ObjectNode pv = client.get(Types.PERSISTENT_VOLUMES, null, pvName);
    Path data = Path.of(pv.path("spec").path("hostPath").path("path").asText());
    assertThat(data).isDirectory().startsWith(dir.resolve("volumes"));
    assertThat(pv.path("spec").path("nodeAffinity").toString()).contains("node-a");
    Files.writeString(data.resolve("index.html"), "hello");
    client.delete(Types.PERSISTENT_VOLUME_CLAIMS, "d", "www", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> phase("pv", null, pvName).equals("gone"));
    assertThat(data).doesNotExist();
  }
}
