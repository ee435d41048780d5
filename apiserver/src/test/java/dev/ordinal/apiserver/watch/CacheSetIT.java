package dev.ordinal.apiserver.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.api.ResourceCatalog;
import dev.ordinal.api.ResourceType;
import dev.ordinal.apiserver.errors.ApiException;
import dev.ordinal.storage.SqliteStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watch caches over a real store: consistent reads, resuming watches, and expiry. */
class CacheSetIT {
  @TempDir Path dir;
  final ResourceType configMaps = ResourceCatalog.standard().byPlural("", "v1", "configmaps").orElseThrow();

  static byte[] cm(String name, int v) {
    return ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"d\"},\"data\":{\"v\":\""
        + v + "\"}}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsSeeEveryAcknowledgedWriteAndOldRevisionsExpire() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("s.db"));
        CacheSet caches = new CacheSet(storage, ResourceCatalog.standard(), 5)) {
      caches.start();
      WatchCache cache = caches.cache(configMaps);
      long first = storage.create(configMaps.key("d", "a"), cm("a", 0)).modRevision();
      assertThat(cache.get(configMaps.key("d", "a"))).isPresent();
      long rev = first;
      for (int i = 1; i <= 10; i++) {
        rev = storage.update(configMaps.key("d", "a"), cm("a", i), rev).modRevision();
      }
      assertThat(cache.get(configMaps.key("d", "a")).orElseThrow().path("data").path("v").asText()).isEqualTo("10");
      ObjectFilter all = new ObjectFilter(configMaps.keyPrefix(), o -> true);
      CacheWatcher recent = cache.watch(all, rev - 2);
      assertThat(recent.poll(1, TimeUnit.SECONDS).object().path("data").path("v").asText()).isEqualTo("9");
      assertThat(recent.poll(1, TimeUnit.SECONDS).object().path("data").path("v").asText()).isEqualTo("10");
      recent.close();
      assertThatThrownBy(() -> cache.watch(all, first)).isInstanceOfSatisfying(ApiException.class,
          e -> assertThat(e.code()).isEqualTo(410));
    }
  }
}
