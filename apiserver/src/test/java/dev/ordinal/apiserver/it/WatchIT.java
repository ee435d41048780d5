package dev.ordinal.apiserver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Watches: live events, resuming from a resourceVersion, selectors, and expired versions. */
class WatchIT extends ApiServerTestBase {

  @Test
  void liveEventsArriveInOrder() {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (var w = api.client.configMaps().withLabel("app", "live").watch(new Watcher<ConfigMap>() {
      @Override
      public void eventReceived(Action action, ConfigMap cm) {
        seen.add(action + " " + cm.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {}
    })) {
      api.client.configMaps().resource(CrudIT.configMap("w1")).create();
      api.client.configMaps().resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder(CrudIT.configMap("w2"))
          .editMetadata().addToLabels("app", "live").endMetadata().build()).create();
      api.client.configMaps().withName("w2").edit(cm -> { cm.getData().put("x", "y"); return cm; });
      api.client.configMaps().withName("w2").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 3);
      assertThat(seen).containsExactly("ADDED w2", "MODIFIED w2", "DELETED w2");
    }
  }

  @Test
  void aWatchResumesFromAResourceVersion() throws Exception {
    ConfigMap cm = api.client.configMaps().resource(CrudIT.configMap("resume")).create();
    String from = cm.getMetadata().getResourceVersion();
    api.client.configMaps().withName("resume").edit(c -> { c.getData().put("n", "1"); return c; });
    api.client.configMaps().withName("resume").edit(c -> { c.getData().put("n", "2"); return c; });
    var resp = api.get("/api/v1/namespaces/default/configmaps?watch=1&fieldSelector=metadata.name%3Dresume&resourceVersion="
        + from + "&timeoutSeconds=1", null);
    assertThat(resp.statusCode()).isEqualTo(200);
    List<String> values = new ArrayList<>();
    for (String line : resp.body().split("\n")) {
      JsonNode ev = Json.MAPPER.readTree(line);
      assertThat(ev.path("type").asText()).isEqualTo("MODIFIED");
      values.add(ev.path("object").path("data").path("n").asText());
    }
    assertThat(values).containsExactly("1", "2");
  }

  @Test
  void aWatchWithoutVersionStartsWithTheCurrentState() throws Exception {
    api.client.configMaps().resource(CrudIT.configMap("current")).create();
    var resp = api.get("/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dcurrent&timeoutSeconds=1", null);
    assertThat(resp.body().lines().map(l -> l.substring(0, 20)).toList()).containsExactly("{\"type\":\"ADDED\",\"obj");
  }

  /** Python clients (Patroni) send watch=True; Kubernetes takes any value but 0 and false as true. */
  @Test
  void watchTrueInPythonsSpellingWatches() throws Exception {
    api.client.configMaps().resource(CrudIT.configMap("python")).create();
    var resp = api.get("/api/v1/namespaces/default/configmaps?watch=True&fieldSelector=metadata.name%3Dpython&timeoutSeconds=1", null);
    assertThat(resp.body().lines().map(l -> l.substring(0, 20)).toList()).containsExactly("{\"type\":\"ADDED\",\"obj");
    var list = api.get("/api/v1/namespaces/default/configmaps?watch=False&fieldSelector=metadata.name%3Dpython", null);
    assertThat(Json.MAPPER.readTree(list.body()).path("kind").asText()).isEqualTo("ConfigMapList");
  }

  @Test
  void anExpiredContinueTokenIsGone() throws Exception {
    for (int i = 0; i < 3; i++) {
      api.client.configMaps().resource(CrudIT.configMap("exp-" + i)).create();
    }
    var page = api.get("/api/v1/namespaces/default/configmaps?limit=1", null);
    String token = Json.MAPPER.readTree(page.body()).path("metadata").path("continue").asText();
    api.client.configMaps().resource(CrudIT.configMap("exp-later")).create();
    api.storage.compact(api.storage.currentRevision());
    var next = api.get("/api/v1/namespaces/default/configmaps?limit=1&continue=" + token, null);
    assertThat(next.statusCode()).isEqualTo(410);
    assertThat(Json.MAPPER.readTree(next.body()).path("reason").asText()).isEqualTo("Expired");
  }
}
