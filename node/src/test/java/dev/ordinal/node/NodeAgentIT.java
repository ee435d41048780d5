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

  /** A second agent on its own runtime (the one from start() is closed first: one agent per node). */
  NodeAgent restartWith(dev.ordinal.node.runtime.ContainerRuntime runtime) {
    return restartWith(runtime, ServiceRoutes.NONE);
  }

  NodeAgent restartWith(dev.ordinal.node.runtime.ContainerRuntime runtime, ServiceRoutes routes) {
    agent.close();
    agent = new NodeAgent(client, "node-a", runtime, routes);
    agent.start();
    return agent;
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

  /** The pod's events as kubelet and the scheduler would list them: "reason|message|fieldPath", oldest first. */
  java.util.List<String> events(String pod) {
    return client.list(Types.EVENTS, "d", dev.ordinal.apiserver.registry.ListOptions.ALL).items().stream()
        .filter(e -> e.path("involvedObject").path("name").asText().equals(pod))
        .sorted(java.util.Comparator.comparing(e -> e.path("metadata").path("name").asText()))
        .map(e -> e.path("reason").asText() + "|" + e.path("message").asText() + "|" + e.path("involvedObject").path("fieldPath").asText())
        .toList();
  }

  @Test
  void recordsKubeletsContainerEventsInOrder() {
    client.create(Types.PODS, "d", pod("ev", "'sim.ordinal.dev/stop-delay':'200ms'", "", ",'initContainers':[{'name':'setup','image':'busybox'}]"));
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(status("ev"), "Ready").equals("True"));
    client.delete(Types.PODS, "d", "ev", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(10)).until(() -> events("ev").stream().anyMatch(e -> e.startsWith("Killing|")));
    assertThat(events("ev")).containsExactly(
        "Pulled|Container image \"busybox\" already present on machine|spec.initContainers{setup}",
        "Created|Created container: setup|spec.initContainers{setup}",
        "Started|Started container setup|spec.initContainers{setup}",
        "Pulled|Container image \"x\" already present on machine|spec.containers{app}",
        "Created|Created container: app|spec.containers{app}",
        "Started|Started container app|spec.containers{app}",
        "Killing|Stopping container app|spec.containers{app}");
  }

  @Test
  void aCrashingContainerBacksOffAndAFailingProbeIsUnhealthy() {
    client.create(Types.PODS, "d", pod("crash", "'sim.ordinal.dev/crash-after':'300ms'", "", ""));
    String uid = client.get(Types.PODS, "d", "crash").path("metadata").path("uid").asText();
    await().atMost(Duration.ofSeconds(10)).until(() -> events("crash").contains(
        "BackOff|Back-off restarting failed container app in pod crash_d(" + uid + ")|spec.containers{app}"));
    client.create(Types.PODS, "d", pod("unready", "'sim.ordinal.dev/never-ready':'true'", ",'readinessProbe':{'tcpSocket':{'port':80},'periodSeconds':1}", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> events("unready").contains(
        "Unhealthy|Readiness probe failed: simulated failure (sim.ordinal.dev/never-ready)|spec.containers{app}"));
  }

  @Test
  void deletedPodsStopAndAreRemoved() {
    client.create(Types.PODS, "d", pod("gone", "'sim.ordinal.dev/stop-delay':'500ms'", "", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("gone").path("phase").asText().equals("Running"));
    client.delete(Types.PODS, "d", "gone", DeleteOptions.DEFAULT);
    assertThat(client.find(Types.PODS, "d", "gone")).isPresent();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.find(Types.PODS, "d", "gone").isEmpty());
  }

  @Test
  void aDeletedPodIsStoppedOnceTheServiceRulesNoLongerSendItConnections() {
    GatedRuntime runtime = new GatedRuntime().open();
    java.util.Set<String> routed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    restartWith(runtime, routed::contains);
    client.create(Types.PODS, "d", pod("served", "", "", ""));
    client.create(Types.PODS, "d", pod("stuck", "", "", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("served").path("phase").asText().equals("Running")
        && status("stuck").path("phase").asText().equals("Running"));
    String served = client.get(Types.PODS, "d", "served").path("metadata").path("uid").asText();
    String stuck = client.get(Types.PODS, "d", "stuck").path("metadata").path("uid").asText();
    routed.add(status("served").path("podIP").asText());
    routed.add(status("stuck").path("podIP").asText());

    client.delete(Types.PODS, "d", "served", DeleteOptions.DEFAULT);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> !runtime.stopAsked.containsKey(served));
    Instant unrouted = Instant.now();
    routed.remove(status("served").path("podIP").asText());
    await().atMost(Duration.ofSeconds(1)).until(() -> runtime.stopAsked.containsKey(served));
    assertThat(Duration.between(unrouted, runtime.stopAsked.get(served))).isLessThan(Duration.ofMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(() -> client.find(Types.PODS, "d", "served").isEmpty());

    // rules that never catch up hold a pod back for NodeAgent.DRAIN_LIMIT, no more
    Instant deleted = Instant.now();
    client.delete(Types.PODS, "d", "stuck", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(5)).until(() -> runtime.stopAsked.containsKey(stuck));
    assertThat(Duration.between(deleted, runtime.stopAsked.get(stuck)))
        .isGreaterThanOrEqualTo(NodeAgent.DRAIN_LIMIT.minusMillis(100)).isLessThan(NodeAgent.DRAIN_LIMIT.plusSeconds(1));
  }

  @Test
  void podsAreContainerCreatingWhileTheirSandboxIsSetUp() {
    GatedRuntime runtime = new GatedRuntime();
    restartWith(runtime);
    client.create(Types.PODS, "d", pod("slow", "", "", ""));
    // the runtime has not answered yet: kubelet has already said what it is doing
    await().atMost(Duration.ofSeconds(10)).until(() ->
        status("slow").path("containerStatuses").path(0).path("state").path("waiting").path("reason").asText().equals("ContainerCreating"));
    assertThat(status("slow").path("phase").asText()).isEqualTo("Pending");
    runtime.open();
    await().atMost(Duration.ofSeconds(10)).until(() -> status("slow").path("phase").asText().equals("Running"));
  }

  @Test
  void leftoversOfPodsThatAreGoneAreRemovedAtStart() {
    GatedRuntime runtime = new GatedRuntime().open();
    runtime.held.add("gone-uid");
    restartWith(runtime);
    await().atMost(Duration.ofSeconds(10)).until(() -> runtime.removed.contains("gone-uid"));
  }

  @Test
  void aDeletionUnderWayIsFinishedWhenTheAgentStops() {
    GatedRuntime runtime = new GatedRuntime().open();
    restartWith(runtime);
    client.create(Types.PODS, "d", pod("last", "'sim.ordinal.dev/stop-delay':'2s'", "", ""));
    await().atMost(Duration.ofSeconds(10)).until(() -> status("last").path("phase").asText().equals("Running"));
    String uid = client.get(Types.PODS, "d", "last").path("metadata").path("uid").asText();
    client.delete(Types.PODS, "d", "last", DeleteOptions.DEFAULT);
    await().atMost(Duration.ofSeconds(5)).until(() -> client.get(Types.PODS, "d", "last").path("metadata").has("deletionTimestamp"));
    agent.close();
    assertThat(runtime.removed).contains(uid);
    assertThat(runtime.podsHeld()).isEmpty();
    assertThat(client.find(Types.PODS, "d", "last")).isEmpty();
  }
}
