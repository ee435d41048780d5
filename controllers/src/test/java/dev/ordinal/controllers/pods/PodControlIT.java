package dev.ordinal.controllers.pods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Meta;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.controllers.events.EventRecorder;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pod creation and deletion against the real in-process API: names, references, slow start, expectations. */
class PodControlIT {
  @TempDir Path dir;
  SqliteStorage storage;
  Registry registry;
  Client client;
  final Expectations expectations = new Expectations();
  PodControl control;
  ObjectNode owner;

  @BeforeEach
  void start() {
    storage = SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    ObjectNode ns = Json.object();
    ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", "d");
    client.create(Types.NAMESPACES, null, ns);
    control = new PodControl(client, new EventRecorder(client, "test"), expectations);
    owner = Json.object();
    owner.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    owner.putObject("metadata").put("name", "web").put("namespace", "d").put("uid", "rs-uid");
  }

  @AfterEach
  void stop() {
    registry.close();
    storage.close();
  }

  static ObjectNode template(String image) {
    ObjectNode t = Json.object();
    t.putObject("metadata").putObject("labels").put("app", "web");
    t.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", image);
    return t;
  }

  @Test
  void createsNamedControlledPodsAndExpectsThem() throws Exception {
    assertThat(control.createPods("d/web", owner, template("nginx"), 7)).isEqualTo(7);
    List<ObjectNode> pods = client.list(Types.PODS, "d", ListOptions.ALL).items();
    assertThat(pods).hasSize(7).allSatisfy(p -> {
      assertThat(Meta.name(p)).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
      assertThat(Meta.labels(p)).containsEntry("app", "web");
      ObjectNode ref = ControllerRefs.controllerOf(p);
      assertThat(ref.path("uid").asText()).isEqualTo("rs-uid");
      assertThat(ref.path("blockOwnerDeletion").asBoolean()).isTrue();
    });
    assertThat(expectations.isSatisfied("d/web")).isFalse(); // until the informer sees them
    for (int i = 0; i < 7; i++) {
      expectations.creationObserved("d/web");
    }
    assertThat(expectations.isSatisfied("d/web")).isTrue();

    control.deletePods("d/web", owner, pods.subList(0, 2));
    assertThat(client.list(Types.PODS, "d", ListOptions.ALL).items()).hasSize(5);
  }

  @Test
  void aRefusedTemplateFailsInTheFirstRoundAndClearsItsExpectations() {
    ObjectNode bad = template("nginx");
    ((ObjectNode) bad.path("spec").path("containers").get(0)).remove("image");
    assertThatThrownBy(() -> control.createPods("d/web", owner, bad, 50)).isInstanceOf(ApiException.class);
    assertThat(client.list(Types.PODS, "d", ListOptions.ALL).items()).isEmpty();
    assertThat(expectations.isSatisfied("d/web")).isTrue(); // nothing will come: sync again at once
  }
}
