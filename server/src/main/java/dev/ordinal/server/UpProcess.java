package dev.ordinal.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The pid file of a running {@code ordinal up} ({@code <data-dir>/up.pid}), so that
 * {@code ordinal down} finds the server of a data directory. A pid is trusted only while its
 * process still runs Ordinal: pids are reused.
 */
final class UpProcess {
  private UpProcess() {}

  static Path pidFile(Path dataDir) {
    return dataDir.resolve("up.pid");
  }

  static void record(Path dataDir) throws IOException {
    DataDir.writePrivate(pidFile(dataDir), ProcessHandle.current().pid() + "\n");
  }

  static void forget(Path dataDir) {
    try {
      Files.deleteIfExists(pidFile(dataDir));
    } catch (IOException e) {
      // a stale pid file is checked against the process the next time
    }
  }

  static Optional<ProcessHandle> running(Path dataDir) throws IOException {
    Path file = pidFile(dataDir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(file).strip());
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("dev.ordinal.server.Main") || c.contains("ordinal")).orElse(false));
  }
}
