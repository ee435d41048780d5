package dev.ordinal.e2e;

import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Adds to a failing real-pod test what one would look at by hand — the pods, the latest events,
 * the server's last warnings — so that a failure seen only in a CI log can be understood.
 */
final class PostMortem implements TestExecutionExceptionHandler {
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    if (RealPodsTestBase.kubectl == null || RealPodsTestBase.ordinal == null) {
      throw failure;
    }
    StringBuilder report = new StringBuilder(String.valueOf(failure.getMessage())).append("\n--- post-mortem ---\n");
    try {
      report.append(RealPodsTestBase.kubectl.run("get", "pods", "-A", "-o", "wide").out());
      // what `rollout status` reads, to tell a set that did not progress from a status not written
      report.append(RealPodsTestBase.kubectl.run("get", "statefulsets", "-A", "-o", "custom-columns=NAMESPACE:.metadata.namespace,"
          + "NAME:.metadata.name,GENERATION:.metadata.generation,OBSERVED:.status.observedGeneration,REPLICAS:.status.replicas,"
          + "READY:.status.readyReplicas,UPDATED:.status.updatedReplicas,CURRENT:.status.currentRevision,UPDATE:.status.updateRevision").out());
      List<String> events = RealPodsTestBase.kubectl.run("get", "events", "-A", "--sort-by=.lastTimestamp").out().lines().toList();
      report.append("events:\n").append(String.join("\n", tail(events, 25))).append('\n');
      report.append(notReadyLogs());
      List<String> warnings = RealPodsTestBase.ordinal.log().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
      report.append("server warnings:\n").append(String.join("\n", tail(warnings, 25)));
    } catch (Exception | AssertionError e) {
      report.append("(post-mortem incomplete: ").append(e).append(')');
    }
    // Maven's summary of failures stops at a message's first empty line
    AssertionError withReport = new AssertionError(report.toString().replaceAll("\n\\s*\n", "\n"), failure);
    withReport.setStackTrace(failure.getStackTrace());
    throw withReport;
  }

  /** The last lines of every container of (at most three) pods that are not Ready. */
  private static String notReadyLogs() throws Exception {
    StringBuilder out = new StringBuilder();
    String pods = RealPodsTestBase.kubectl.run("get", "pods", "-A", "-o",
        "jsonpath={range .items[*]}{.metadata.namespace} {.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status}{\"\\n\"}{end}").out();
    for (String line : pods.lines().filter(l -> !l.endsWith(" True")).limit(3).toList()) {
      String[] f = line.split(" ");
      out.append("logs of ").append(f[0]).append('/').append(f[1]).append(":\n").append(RealPodsTestBase.kubectl.run("-n", f[0], "logs", f[1],
          "--all-containers", "--prefix", "--tail=8").out());
    }
    return out.toString();
  }

  private static List<String> tail(List<String> lines, int n) {
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }
}
