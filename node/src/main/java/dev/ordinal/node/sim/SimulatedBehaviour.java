package dev.ordinal.node.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ordinal.apiserver.registry.Meta;
import java.time.Duration;
import java.util.Map;

/**
 * How a pod behaves under the simulated runtime, from its annotations (docs/simulated-runtime.md),
 * so that tests can exercise failure paths without real processes.
 */
record SimulatedBehaviour(
    Duration startupDelay, Duration exitAfter, int exitCode, boolean initFails, boolean neverReady, Duration stopDelay) {
  static final String PREFIX = "sim.ordinal.dev/";

  static SimulatedBehaviour of(ObjectNode pod) {
    Map<String, String> a = Meta.annotations(pod);
    Duration crash = duration(a.get(PREFIX + "crash-after"));
    Duration exit = duration(a.get(PREFIX + "exit-after"));
    int code = crash != null ? 1 : parseInt(a.get(PREFIX + "exit-code"), 0);
    return new SimulatedBehaviour(
        orZero(duration(a.get(PREFIX + "startup-delay"))),
        crash != null ? crash : exit,
        code,
        "true".equals(a.get(PREFIX + "init-fail")),
        "true".equals(a.get(PREFIX + "never-ready")),
        orDefault(duration(a.get(PREFIX + "stop-delay")), DEFAULT_STOP));
  }

  /** "3s", "500ms", "2m"; null when absent or malformed. */
  static Duration duration(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      String v = s.trim();
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      long n = Long.parseLong(v.substring(0, v.length() - 1));
      return switch (v.charAt(v.length() - 1)) {
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> null;
      };
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * A simulated process takes this long to exit after SIGTERM, as real ones do; clients that
   * wait for a deletion (kubectl delete) rely on it not being instantaneous, just as with a kubelet.
   */
  static final Duration DEFAULT_STOP = Duration.ofSeconds(1);

  private static Duration orDefault(Duration d, Duration dflt) {
    return d == null ? dflt : d;
  }

  private static Duration orZero(Duration d) {
    return d == null ? Duration.ZERO : d;
  }

  private static int parseInt(String s, int dflt) {
    try {
      return s == null ? dflt : Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
