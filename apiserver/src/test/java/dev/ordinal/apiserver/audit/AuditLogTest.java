package dev.ordinal.apiserver.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path dir;

  private static byte[] line(int i, int width) {
    String s = String.format("{\"n\":%05d,\"pad\":\"%s\"}", i, "x".repeat(Math.max(0, width - 20)));
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void linesArriveInOrderInAPrivateFile() throws Exception {
    Path file = dir.resolve("audit/audit.log");
    try (AuditLog log = new AuditLog(file, 0, 5)) {
      for (int i = 0; i < 100; i++) {
        assertThat(log.append(line(i, 40))).isTrue();
      }
      assertThat(log.sync(Duration.ofSeconds(5))).isTrue();
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(100);
      assertThat(lines.get(0)).startsWith("{\"n\":00000");
      assertThat(lines.get(99)).startsWith("{\"n\":00099");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
      assertThat(log.dropped()).isZero();
    }
  }

  @Test
  void reopeningAppends() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = new AuditLog(file, 0, 5)) {
      log.append(line(1, 30));
      log.sync(Duration.ofSeconds(5));
    }
    try (AuditLog log = new AuditLog(file, 0, 5)) {
      log.append(line(2, 30));
      log.sync(Duration.ofSeconds(5));
    }
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void theFileIsRotatedBeforeItOutgrowsItsSizeKeepingTheNewestBackups() throws Exception {
    Path file = dir.resolve("audit.log");
    // 100-byte lines (with the newline), 1,000-byte files: ten lines per file
    try (AuditLog log = new AuditLog(file, 1000, 3)) {
      for (int i = 0; i < 55; i++) {
        log.append(line(i, 99));
        log.sync(Duration.ofSeconds(5));
      }
    }
    assertThat(Files.size(file)).isEqualTo(500);
    assertThat(Files.readAllLines(file).get(0)).startsWith("{\"n\":00050");
    for (int n = 1; n <= 3; n++) {
      Path backup = dir.resolve("audit.log." + n);
      assertThat(Files.size(backup)).isEqualTo(1000);
      // .1 the newest: lines 40-49, .2 30-39, .3 20-29
      assertThat(Files.readAllLines(backup).get(0)).startsWith(String.format("{\"n\":%05d", 50 - 10 * n));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
    }
    assertThat(dir.resolve("audit.log.4")).doesNotExist();
  }

  @Test
  void withoutABackupLimitEveryRotatedFileIsKept() throws Exception {
    Path file = dir.resolve("audit.log");
    try (AuditLog log = new AuditLog(file, 1000, 0)) {
      for (int i = 0; i < 60; i++) {
        log.append(line(i, 99));
      }
      log.sync(Duration.ofSeconds(5));
    }
    for (int n = 1; n <= 5; n++) {
      assertThat(Files.readAllLines(dir.resolve("audit.log." + n)).get(0)).startsWith(String.format("{\"n\":%05d", 50 - 10 * n));
    }
    assertThat(Files.readAllLines(file).get(0)).startsWith("{\"n\":00050");
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
    Path file = dir.resolve("audit.log");
    // the directory made unwritable would not stop an open file; instead fill a tiny queue faster than a disk drains it
    try (AuditLog log = new AuditLog(file, 0, 5, 2)) {
      long start = System.nanoTime();
      int accepted = 0;
      for (int i = 0; i < 200_000; i++) {
        if (log.append(line(i, 200))) {
          accepted++;
        }
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(log.dropped()).isPositive().isEqualTo(200_000 - accepted);
      log.sync(Duration.ofSeconds(5));
      assertThat(Files.readAllLines(file)).hasSize(accepted);
    }
  }

  @Test
  void afterCloseLinesAreDropped() throws Exception {
    AuditLog log = new AuditLog(dir.resolve("audit.log"), 0, 5);
    log.close();
    assertThat(log.append(line(1, 30))).isFalse();
    assertThat(log.dropped()).isEqualTo(1);
  }
}
