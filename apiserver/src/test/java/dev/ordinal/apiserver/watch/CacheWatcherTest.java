package dev.ordinal.apiserver.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.api.Json;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CacheWatcherTest {

  private static ObjectNode pod(String app) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("name", "p").putObject("labels").put("app", app);
    return o;
  }

  private final ObjectFilter webOnly =
      new ObjectFilter("/registry/core/pods/default/", o -> o.path("metadata").path("labels").path("app").asText().equals("web"));

  @Test
  void anObjectThatStopsMatchingIsDeletedForTheWatcher() throws Exception {
    CacheWatcher w = new CacheWatcher(webOnly, () -> { });
    String key = "/registry/core/pods/default/p";
    w.offer(new CacheEvent(CacheEvent.Type.MODIFIED, key, pod("db"), pod("web"), 5));
    assertThat(w.poll(0, TimeUnit.MILLISECONDS).type()).isEqualTo(CacheEvent.Type.DELETED);
    w.offer(new CacheEvent(CacheEvent.Type.MODIFIED, key, pod("web"), pod("db"), 6));
    assertThat(w.poll(0, TimeUnit.MILLISECONDS).type()).isEqualTo(CacheEvent.Type.ADDED);
    w.offer(new CacheEvent(CacheEvent.Type.MODIFIED, key, pod("db"), pod("db"), 7));
    assertThat(w.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void otherNamespacesAreFilteredByKey() throws Exception {
    CacheWatcher w = new CacheWatcher(webOnly, () -> { });
    w.offer(new CacheEvent(CacheEvent.Type.ADDED, "/registry/core/pods/other/p", pod("web"), null, 5));
    assertThat(w.poll(0, TimeUnit.MILLISECONDS)).isNull();
  }
}
