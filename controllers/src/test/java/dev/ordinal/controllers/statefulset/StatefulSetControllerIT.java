package dev.ordinal.controllers.statefulset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.gc.GarbageCollector;
import dev.ordinal.controllers.runtime.Informer;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller against the real in-process API, with a stand-in kubelet that reports every new
 * pod Running and Ready (the simulated node agent does this for real in `ordinal up`).
 */
class StatefulSetControllerIT {
  @TempDir Path dir;
  SqliteStorage storage;
  Registry registry;
  Client client;
  StatefulSetController controller;
  GarbageCollector gc;
  Informer kubelet;
  final List<String> started = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    storage = SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    ObjectNode ns = Json.object();
    ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", "d");
    client.create(Types.NAMESPACES, null, ns);
    kubelet = new Informer(client, Types.PODS).onChange((old, pod, deleted) -> {
      if (!deleted && !Meta.isDeleting(pod) && PodState.phase(pod).equals("Pending")) {
        markReady(pod);
      }
    });
    kubelet.start();
    controller = new StatefulSetController(client);
    controller.start();
    gc = new GarbageCollector(client, ResourceCatalog.standard());
    gc.start();
  }

  private void markReady(ObjectNode pod) {
    ObjectNode p = pod.deepCopy();
    ObjectNode status = p.putObject("status");
    status.put("phase", "Running").put("podIP", "10.88.0." + (started.size() + 2));
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
        .put("lastTransitionTime", Meta.timestamp(Instant.now()));
    try {
      client.updateStatus(Types.PODS, p);
      started.add(Meta.name(pod));
    } catch (ApiException e) {
      // gone or changed meanwhile: a later event retries
    }
  }

  @AfterEach
  void stop() {
    gc.close();
    controller.close();
    kubelet.close();
    registry.close();
    storage.close();
  }

  ObjectNode sts(int replicas, String image) {
    String json = ("{'apiVersion':'apps/v1','kind':'StatefulSet','metadata':{'name':'web'},'spec':{'replicas':" + replicas
        + ",'serviceName':'nginx','selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':{'labels':{'app':'nginx'}},"
        + "'spec':{'containers':[{'name':'nginx','image':'" + image + "','volumeMounts':[{'name':'www','mountPath':'/www'}]}]}},"
        + "'volumeClaimTemplates':[{'metadata':{'name':'www'},'spec':{'accessModes':['ReadWriteOnce'],'resources':{'requests':{'storage':'1Gi'}}}}]}}")
        .replace('\'', '"');
    return Json.parseObject(json.getBytes());
  }

  List<String> names(List<ObjectNode> objs) {
    return objs.stream().map(Meta::name).sorted().toList();
  }

  List<ObjectNode> pods() {
    return client.list(Types.PODS, "d", ListOptions.labelled("app=nginx")).items();
  }

  ObjectNode status() {
    return (ObjectNode) client.get(Types.STATEFUL_SETS, "d", "web").path("status");
  }

  @Test
  void createsInOrderScalesUpdatesAndDeletes() {
    client.create(Types.STATEFUL_SETS, "d", sts(3, "nginx:1.27"));
    await().atMost(Duration.ofSeconds(20)).until(() -> status().path("readyReplicas").asInt() == 3);
    assertThat(started).containsExactly("web-0", "web-1", "web-2");
    assertThat(names(client.list(Types.PERSISTENT_VOLUME_CLAIMS, "d", ListOptions.ALL).items()))
        .containsExactly("www-web-0", "www-web-1", "www-web-2");
    assertThat(status().path("currentRevision").asText()).isEqualTo(status().path("updateRevision").asText());

    client.patch(Types.STATEFUL_SETS, "d", "web", "application/merge-patch+json", Json.parseObject("{\"spec\":{\"replicas\":5}}".getBytes()));
    await().atMost(Duration.ofSeconds(20)).until(() -> status().path("readyReplicas").asInt() == 5);
    client.patch(Types.STATEFUL_SETS, "d", "web", "application/merge-patch+json", Json.parseObject("{\"spec\":{\"replicas\":2}}".getBytes()));
    await().atMost(Duration.ofSeconds(20)).until(() -> names(pods()).equals(List.of("web-0", "web-1")));
    assertThat(client.list(Types.PERSISTENT_VOLUME_CLAIMS, "d", ListOptions.ALL).items()).hasSize(5);

    String before = status().path("currentRevision").asText();
    client.patch(Types.STATEFUL_SETS, "d", "web", "application/strategic-merge-patch+json",
        Json.parseObject("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"image\":\"nginx:1.28\"}]}}}}".getBytes()));
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      ObjectNode s = status();
      return !s.path("updateRevision").asText().equals(before) && s.path("currentRevision").equals(s.path("updateRevision"))
          && s.path("updatedReplicas").asInt() == 2 && s.path("readyReplicas").asInt() == 2;
    });
    assertThat(pods()).allSatisfy(p -> assertThat(p.path("spec").path("containers").get(0).path("image").asText()).isEqualTo("nginx:1.28"));
    assertThat(client.list(Types.CONTROLLER_REVISIONS, "d", ListOptions.ALL).items()).hasSize(2);

    client.delete(Types.STATEFUL_SETS, "d", "web", DeleteOptions.withPropagation("Background"));
    await().atMost(Duration.ofSeconds(20)).until(() -> pods().isEmpty());
    assertThat(client.list(Types.PERSISTENT_VOLUME_CLAIMS, "d", ListOptions.ALL).items()).hasSize(5);
  }

  /** InPlaceIfPossible and a template change of resources alone: every pod resized through pods/resize, none recreated. */
  @Test
  void aResourcesChangeResizesThePodsInPlace() {
    ObjectNode set = sts(2, "nginx:1.27");
    Meta.of(set).with("annotations").put(InPlaceUpdatePlanner.POLICY_ANNOTATION, "InPlaceIfPossible");
    ((ObjectNode) set.path("spec").path("template").path("spec").path("containers").get(0)).set("resources",
        Json.parseObject("{\"requests\":{\"memory\":\"32Mi\"},\"limits\":{\"memory\":\"64Mi\"}}".getBytes()));
    client.create(Types.STATEFUL_SETS, "d", set);
    await().atMost(Duration.ofSeconds(20)).until(() -> status().path("readyReplicas").asInt() == 2);
    List<String> uids = pods().stream().map(Meta::uid).sorted().toList();

    client.patch(Types.STATEFUL_SETS, "d", "web", "application/strategic-merge-patch+json", Json.parseObject(
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"nginx\",\"resources\":{\"limits\":{\"memory\":\"128Mi\"}}}]}}}}"
            .getBytes()));
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      ObjectNode s = status();
      return s.path("currentRevision").equals(s.path("updateRevision")) && s.path("updatedReplicas").asInt() == 2;
    });
    assertThat(pods().stream().map(Meta::uid).sorted().toList()).as("the same pods").isEqualTo(uids);
    assertThat(pods()).allSatisfy(p -> assertThat(p.path("spec").path("containers").get(0).path("resources").path("limits")
        .path("memory").asText()).isEqualTo("128Mi"));
    assertThat(pods()).allSatisfy(p -> assertThat(StatefulSetIdentity.revisionOf(p)).isEqualTo(status().path("updateRevision").asText()));
  }

  @Test
  void orphanedReplicasAreAdoptedByANewSetAndReleasedWhenTheirLabelsChange() {
    client.create(Types.STATEFUL_SETS, "d", sts(2, "nginx:1.27"));
    await().atMost(Duration.ofSeconds(20)).until(() -> status().path("readyReplicas").asInt() == 2);
    client.delete(Types.STATEFUL_SETS, "d", "web", DeleteOptions.withPropagation("Orphan"));
    await().atMost(Duration.ofSeconds(20)).until(() -> client.find(Types.STATEFUL_SETS, "d", "web").isEmpty()
        && pods().stream().allMatch(p -> Meta.ownerReferences(p).isEmpty()));
    List<String> uids = pods().stream().map(Meta::uid).sorted().toList();
    ObjectNode again = client.create(Types.STATEFUL_SETS, "d", sts(2, "nginx:1.27"));
    await().atMost(Duration.ofSeconds(20)).until(() -> pods().stream()
        .allMatch(p -> StatefulSetIdentity.controllerOf(p) != null && StatefulSetIdentity.controllerOf(p).path("uid").asText().equals(Meta.uid(again))));
    assertThat(pods().stream().map(Meta::uid).sorted().toList()).isEqualTo(uids);

    ObjectNode web1 = client.get(Types.PODS, "d", "web-1");
    Meta.of(web1).with("labels").put("app", "released");
    client.update(Types.PODS, web1);
    await().atMost(Duration.ofSeconds(20)).until(() -> Meta.ownerReferences(client.get(Types.PODS, "d", "web-1")).isEmpty());
    // as upstream: the released pod keeps its name, so the set cannot recreate web-1 while it exists
  }

  @Test
  void aDeletedReplicaComesBackUnderItsOwnName() {
    client.create(Types.STATEFUL_SETS, "d", sts(2, "nginx:1.27"));
    await().atMost(Duration.ofSeconds(20)).until(() -> status().path("readyReplicas").asInt() == 2);
    String uid = Meta.uid(client.get(Types.PODS, "d", "web-0"));
    client.delete(Types.PODS, "d", "web-0", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(20)).until(() -> client.find(Types.PODS, "d", "web-0")
        .map(p -> !Meta.uid(p).equals(uid) && PodState.isRunningAndReady(p)).orElse(false));
    ObjectNode again = client.get(Types.PODS, "d", "web-0");
    assertThat(again.path("spec").path("volumes").get(0).path("persistentVolumeClaim").path("claimName").asText()).isEqualTo("www-web-0");
  }
}
