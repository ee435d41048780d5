package dev.ordinal.controllers.endpoints;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.apiserver.registry.DeleteOptions;
import dev.ordinal.apiserver.registry.Registry;
import dev.ordinal.client.Client;
import dev.ordinal.client.InProcessClient;
import dev.ordinal.client.Types;
import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoints a program writes for a Service without a selector (Patroni's leader key), against the in-process API. */
class EndpointsControllerIT {
  @TempDir Path dir;
  SqliteStorage storage;
  Registry registry;
  Client client;
  EndpointsController controller;

  @BeforeEach
  void start() {
    storage = SqliteStorage.open(dir.resolve("s.db"));
    registry = new Registry(ResourceCatalog.standard(), storage);
    registry.start();
    client = new InProcessClient(registry);
    client.create(Types.NAMESPACES, null, obj("{'apiVersion':'v1','kind':'Namespace','metadata':{'name':'default'}}"));
    controller = new EndpointsController(client);
    controller.start();
  }

  @AfterEach
  void stop() {
    controller.close();
    registry.close();
    storage.close();
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json.replace('\'', '"').getBytes());
  }

  ObjectNode endpoints(String name, String ip) {
    return obj("{'apiVersion':'v1','kind':'Endpoints','metadata':{'name':'" + name + "','namespace':'default','annotations':{'leader':'pg-0'}},"
        + "'subsets':[{'addresses':[{'ip':'" + ip + "'}],'ports':[{'name':'postgresql','port':5432}]}]}");
  }

  boolean exists(String name) {
    return client.find(Types.ENDPOINTS, "default", name).isPresent();
  }

  @Test
  void theWrittenEndpointsStayWithTheirServiceAndGoWithIt() throws Exception {
    client.create(Types.SERVICES, "default", obj("{'apiVersion':'v1','kind':'Service','metadata':{'name':'pg','namespace':'default'},"
        + "'spec':{'ports':[{'name':'postgresql','port':5432}]}}"));
    client.create(Types.ENDPOINTS, "default", endpoints("pg", "10.88.0.3"));
    client.create(Types.ENDPOINTS, "default", endpoints("pg-sync", "10.88.0.4"));
    Thread.sleep(500);
    assertThat(client.get(Types.ENDPOINTS, "default", "pg").path("subsets").path(0).path("addresses").path(0).path("ip").asText())
        .as("a Service without a selector keeps what is written for it").isEqualTo("10.88.0.3");

    client.delete(Types.SERVICES, "default", "pg", DeleteOptions.withPropagation("Background"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !exists("pg"));
    assertThat(exists("pg-sync")).as("Endpoints that never had a Service are left alone").isTrue();
  }
}
