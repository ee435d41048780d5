package dev.ordinal.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the real-pod benchmarks share: the real kubectl against the bench server, and a row of median, min and max seconds. */
final class BenchKubectl {
  private BenchKubectl() {}

  /** Runs kubectl with the server's kubeconfig; its output, or an exception naming the command when it fails. */
  static String run(Path kubeconfig, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
    return out;
  }

  /** Prints {@code | what | median | min – max |} of the runs, on stdout (the table) and stderr (progress). */
  static void row(String what, List<Double> seconds) {
    List<Double> sorted = seconds.stream().sorted().toList();
    String line = String.format(Locale.ROOT, "| %s | %.1f s | %.1f – %.1f s |", what, sorted.get(sorted.size() / 2),
        sorted.getFirst(), sorted.getLast());
    System.out.println(line);
    System.err.println(line);
  }
}
