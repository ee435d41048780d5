package dev.ordinal.node.runc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link LogRotation} to the running containers once a second, on a platform thread of its
 * own (file system calls), as kubelet's container log manager does every 10 s; more often here, so
 * that a fast writer passes the size by little. A rotation renames the log and has conmon reopen it.
 */
final class LogRotator {
  private static final Logger log = LoggerFactory.getLogger(LogRotator.class);

  private final LogRotation.Limits limits;
  private final Supplier<List<RuncContainer>> running;

  LogRotator(LogRotation.Limits limits, Supplier<List<RuncContainer>> running) {
    this.limits = limits;
    this.running = running;
  }

  void start() {
    Thread.ofPlatform().daemon().name("log-rotation").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        running.get().forEach(this::rotate);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  void rotate(RuncContainer c) {
    try (var files = Files.list(c.dir())) {
      List<LogRotation.LogFile> logs = new ArrayList<>();
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.equals(LogRotation.CURRENT) || LogRotation.isRotated(name)) {
          logs.add(new LogRotation.LogFile(name, Files.size(f)));
        }
      }
      LogRotation.Plan plan = LogRotation.plan(logs, limits, Instant.now());
      if (plan.rotateTo() != null) {
        Files.move(c.log(), c.dir().resolve(plan.rotateTo()));
        c.reopenLog();
      }
      for (String old : plan.delete()) {
        Files.deleteIfExists(c.dir().resolve(old));
      }
    } catch (IOException e) {
      log.warn("rotating the log of container {}: {}", c.id(), e.getMessage());
    }
  }
}
