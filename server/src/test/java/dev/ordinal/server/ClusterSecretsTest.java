package dev.ordinal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ordinal.storage.SqliteStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first server records its secrets' fingerprints; one with the same files starts, one with others is refused. */
class ClusterSecretsTest {
  @TempDir Path dir;

  private DataDir server(String name) throws Exception {
    DataDir d = DataDir.open(dir.resolve(name));
    ServingCertificate.ensure(d.root().resolve("tls"), "127.0.0.1", List.of());
    d.token();
    d.serviceAccountKey();
    return d;
  }

  @Test
  void copiedSecretsPassOthersAreRefused() throws Exception {
    try (SqliteStorage storage = SqliteStorage.open(dir.resolve("state.db"))) {
      DataDir first = server("first");
      ClusterSecrets.check(storage, first);
      assertThat(storage.get(ClusterSecrets.KEY)).isPresent();
      String recorded = new String(storage.get(ClusterSecrets.KEY).orElseThrow().value());
      assertThat(recorded).doesNotContain(first.token()); // fingerprints only

      DataDir copy = DataDir.open(dir.resolve("copy"));
      Files.createDirectories(copy.root().resolve("tls"));
      for (String f : new String[] {"token", "sa.key", "tls/ca.crt", "tls/ca.key"}) {
        Files.copy(first.root().resolve(f), copy.root().resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      ClusterSecrets.check(storage, copy);

      DataDir stray = server("stray");
      assertThatThrownBy(() -> ClusterSecrets.check(storage, stray)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another ca, serviceAccountKey, token").hasMessageContaining("copy tls/ca.crt");
      // only the token differs
      Files.copy(first.root().resolve("tls/ca.crt"), stray.root().resolve("tls/ca.crt"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(first.root().resolve("tls/ca.key"), stray.root().resolve("tls/ca.key"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(first.root().resolve("sa.key"), stray.root().resolve("sa.key"), StandardCopyOption.REPLACE_EXISTING);
      assertThatThrownBy(() -> ClusterSecrets.check(storage, stray)).hasMessageContaining("another token than");
    }
  }
}
