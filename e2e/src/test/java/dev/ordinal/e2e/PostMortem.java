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
      List<String> events = RealPodsTestBase.kubectl.run("get", "events", "-A", "--sort-by=.lastTimestamp").out().lines().toList();
      report.append("events:\n").append(String.join("\n", tail(events, 25))).append('\n');
      List<String> warnings = RealPodsTestBase.ordinal.log().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList();
      report.append("server warnings:\n").append(String.join("\n", tail(warnings, 25)));
    } catch (Exception | AssertionError e) {
      report.append("(post-mortem incomplete: ").append(e).append(')');
    }
    AssertionError withReport = new AssertionError(report.toString(), failure);
    withReport.setStackTrace(failure.getStackTrace());
    throw withReport;
  }

  private static List<String> tail(List<String> lines, int n) {
    return lines.subList(Math.max(0, lines.size() - n), lines.size());
  }
}
