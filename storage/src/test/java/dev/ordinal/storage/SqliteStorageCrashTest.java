package dev.ordinal.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteStorageCrashTest {
  @TempDir Path dir;

  @Test
  void everyAcknowledgedWriteSurvivesKillMinusNine() throws Exception {
    Path file = dir.resolve("state.db");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CrashingWriter.class.getName(),
                file.toString())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> acknowledged = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (acknowledged.size() < 500 && (line = out.readLine()) != null) {
        acknowledged.add(line);
      }
      // kill -9 while the child is still writing; through the handle, because Process.destroy*
      // would also close our end of the pipe and lose the acknowledgements still in it
      assertThat(child.toHandle().destroyForcibly()).isTrue();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      while ((line = out.readLine()) != null) {
        acknowledged.add(line);
      }
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(500);

    try (SqliteStorage reopened = SqliteStorage.open(file)) {
      for (String ack : acknowledged) {
        String[] parts = ack.split(" ");
        long revision = Long.parseLong(parts[0]);
        KeyValue kv = reopened.get(parts[1]).orElseThrow(() -> new AssertionError("lost " + ack));
        assertThat(kv.modRevision()).isEqualTo(revision);
      }
      long lastAcknowledged = Long.parseLong(acknowledged.getLast().split(" ")[0]);
      assertThat(reopened.currentRevision()).isGreaterThanOrEqualTo(lastAcknowledged);
      assertThat(reopened.create("/after", new byte[0]).modRevision())
          .isEqualTo(reopened.currentRevision());
    }
  }
}
