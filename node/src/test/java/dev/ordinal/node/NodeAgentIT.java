package dev.ordinal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.node.sim.SimulatedRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent with the simulated runtime against the real in-process API. */
class NodeAgentIT {
  @TempDir Path dir;
  dev.ordinal.storage.SqliteStorage storage;
  Registry registry;
  Client client;
  NodeAgent agent;

  @BeforeEach
  void start() {
    storage = dev.ordinal.storage.SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    for (String ns : new String[] {"d", "kube-node-lease"}) {
      ObjectNode n = Json.object();
      n.put("apiVersion", "v1").put("kind", "Namespace").putObject("metadata").put("name", ns);
      client.create(Types.NAMESPACES, null, n);
    }
    agent = new NodeAgent(client, "node-a", new SimulatedRuntime(Duration.ofMillis(200), Duration.ofSeconds(1)));
    agent.start();
  }

  @AfterEach
  void stop() {
    agent.close();
    registry.close();
    storage.close();
  }

  ObjectNode pod(String name, String annotations, String containerExtra, String specExtra) {
    return Json.parseObject(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','annotations':{" + annotations + "}},"
        + "'spec':{'nodeName':'node-a','containers':[{'name':'app','image':'x'" + containerExtra + "}]" + specExtra + "}}")
        .replace('\'', '"').getBytes());
  }

  JsonNode status(String name) {
    return client.get(Types.PODS, "d", name).path("status");
  }

  static String condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText();
      }
    }
    return "";
  }

  @Test
  void registersAReadyNodeAndItsLease() {
    ObjectNode node = client.get(Types.NODES, null, "node-a");
    assertThat(condition(node.path("status"), "Ready")).isEqualTo("True");
    assertThat(node.path("status").path("allocatable").path("cpu").asInt()).isPositive();
    assertThat(client.get(Types.LEASES, "kube-node-lease", "node-a").path("spec").path("holderIdentity").asText()).isEqualTo("node-a");
  }

  @Test
  void runsABoundPodWithInitContainersAndReportsItReady() {
    client.create(Types.PODS, "d", pod("web", "", "", ",'initContainers':[{'name':'setup','image':'x'}]"));
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(status("web"), "Ready").equals("True"));
    JsonNode s = status("web");
    assertThat(s.path("phase").asText()).isEqualTo("Running");
    assertThat(s.path("podIP").asText()).startsWith("10.88.");
    assertThat(s.path("initContainerStatuses").get(0).path("state").has("terminated")).isTrue();
    assertThat(s.path("containerStatuses").get(0).path("ready").asBoolean()).isTrue();
  }

  @Test
  void readinessWaitsForTheProbesInitialDelay() {
    Instant created = Instant.now();
    client.create(Types.PODS, "d", pod("slow", "", ",'readinessProbe':{'tcpSocket':{'port':80},'initialDelaySeconds':2,'periodSeconds':10}", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(status("slow"), "Ready").equals("True"));
    assertThat(Duration.between(created, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    client.create(Types.PODS, "d", pod("never", "'sim.ordinal.dev/never-ready':'true'", ",'readinessProbe':{'tcpSocket':{'port':80}}", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("never").path("phase").asText().equals("Running"));
    assertThat(condition(status("never"), "Ready")).isEqualTo("False");
  }

  @Test
  void crashingContainersAreRestarted() {
    client.create(Types.PODS, "d", pod("crash", "'sim.ordinal.dev/crash-after':'300ms'", "", ""));
    await().atMost(Duration.ofSeconds(15)).until(() -> status("crash").path("containerStatuses").path(0).path("restartCount").asInt() >= 2);
    assertThat(status("crash").path("containerStatuses").get(0).path("lastState").path("terminated").path("exitCode").asInt()).isEqualTo(1);
  }

  @Test
  void deletedPodsStopAndAreRemoved() {
    client.create(Types.PODS, "d", pod("gone", "'sim.ordinal.dev/stop-delay':'500ms'", "", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("gone").path("phase").asText().equals("Running"));
    client.delete(Types.PODS, "d", "gone", DeleteOptions.DEFAULT);
    assertThat(client.find(Types.PODS, "d", "gone")).isPresent();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.find(Types.PODS, "d", "gone").isEmpty());
  }
}
