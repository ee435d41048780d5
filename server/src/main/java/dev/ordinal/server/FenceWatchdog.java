package dev.ordinal.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-fencing that outlives the agent: a small shell loop, started in its own session, that kills
 * every process in the cgroups of this agent's pods ({@code <data-dir>/pods/<uid>}) whenever the
 * agent's heartbeat file (touched at each Lease renewal) is older than the fencing timeout. When the
 * agent's JVM is alive it fences too (and removes the pods); this covers an agent killed or hung,
 * whose containers conmon would otherwise keep running while the control plane starts them
 * elsewhere. The next agent on the data directory replaces it ({@code fence-watchdog.pid}).
 */
final class FenceWatchdog {
  private static final Logger log = LoggerFactory.getLogger(FenceWatchdog.class);
  private static final String SCRIPT = """
      #!/bin/bash
      # ordinal fencing watchdog: heartbeat file, timeout (s), pods directory, the pods' cgroup parent
      hb="$1"; timeout="$2"; pods="$3"; cg="${4:-/ordinal}"
      while :; do
        sleep 1
        [ -e "$hb" ] || continue
        age=$(( $(date +%s) - $(stat -c %Y "$hb") ))
        [ "$age" -gt "$timeout" ] || continue
        for d in "$pods"/*/; do
          [ -d "$d" ] || continue
          uid=$(basename "$d")
          for procs in /sys/fs/cgroup/*"$cg/$uid"/cgroup.procs /sys/fs/cgroup/*"$cg/$uid"/*/cgroup.procs \\
                       /sys/fs/cgroup"$cg/$uid"/cgroup.procs /sys/fs/cgroup"$cg/$uid"/*/cgroup.procs; do
            [ -f "$procs" ] && xargs -r kill -9 < "$procs" 2>/dev/null
          done
        done
      done
      """;

  private FenceWatchdog() {}

  static void start(Path dataDir, Path heartbeat, int timeoutSeconds) throws IOException {
    start(dataDir, heartbeat, timeoutSeconds, "/ordinal");
  }

  /** @param cgroupRoot the parent of the pods' cgroups (the agent's --cgroup-root) */
  static void start(Path dataDir, Path heartbeat, int timeoutSeconds, String cgroupRoot) throws IOException {
    stop(dataDir);
    Path script = dataDir.resolve("fence-watchdog.sh");
    Files.writeString(script, SCRIPT);
    Process p = new ProcessBuilder(List.of("setsid", "bash", script.toAbsolutePath().toString(), heartbeat.toAbsolutePath().toString(),
        Integer.toString(timeoutSeconds), dataDir.resolve("pods").toAbsolutePath().toString(), cgroupRoot))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    Files.writeString(dataDir.resolve("fence-watchdog.pid"), Long.toString(p.pid()));
    log.info("fencing watchdog {} started ({} s)", p.pid(), timeoutSeconds);
  }

  /** Ends the watchdog a previous agent on this data directory left. */
  static void stop(Path dataDir) {
    Path pid = dataDir.resolve("fence-watchdog.pid");
    try {
      if (Files.exists(pid)) {
        long n = Long.parseLong(Files.readString(pid).trim());
        ProcessHandle.of(n).filter(h -> h.info().commandLine().orElse("").contains("fence-watchdog.sh")).ifPresent(ProcessHandle::destroy);
        Files.deleteIfExists(pid);
      }
    } catch (IOException | NumberFormatException e) {
      log.warn("stopping the previous fencing watchdog: {}", e.getMessage());
    }
  }
}
