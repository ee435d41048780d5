package dev.ordinal.controllers.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.registry.ListOptions;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventRecorderIT {
  @TempDir Path dir;

  @Test
  void repeatsOfAnEventAreCountedOnOneObject() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db")); Registry registry = new Registry(ResourceCatalog.standard(), storage)) {
      registry.start();
      Client client = new InProcessClient(registry);
      ObjectNode ns = Json.object();
      ns.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", "default");
      client.create(Types.NAMESPACES, null, ns);
      ObjectNode cm = Json.object();
      cm.put("apiVersion", "v1").put("kind", "ConfigMap").putObject("metadata").put("name", "c");
      ObjectNode created = client.create(ResourceCatalog.standard().byPlural("", "v1", "configmaps").orElseThrow(), "default", cm);

      EventRecorder recorder = new EventRecorder(client, "test-controller");
      recorder.warning(created, "Broken", "it broke");
      recorder.warning(created, "Broken", "it broke");
      recorder.normal(created, "Fixed", "it works");
      assertThat(recorder.flush(Duration.ofSeconds(10))).isTrue();

      var byObject = client.list(Types.EVENTS, "default", new ListOptions("",
          "involvedObject.name=c,involvedObject.uid=" + created.path("metadata").path("uid").asText(), "", 0, "", false, 0));
      assertThat(byObject.items()).hasSize(2);
      ObjectNode broken = byObject.items().stream().filter(e -> e.path("reason").asText().equals("Broken")).findFirst().orElseThrow();
      assertThat(broken.path("count").asInt()).isEqualTo(2);
      assertThat(broken.path("type").asText()).isEqualTo("Warning");
      assertThat(broken.path("source").path("component").asText()).isEqualTo("test-controller");
      assertThat(broken.path("involvedObject").path("kind").asText()).isEqualTo("ConfigMap");
    }
  }
}
