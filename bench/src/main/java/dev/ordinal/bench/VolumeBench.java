package dev.ordinal.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Write throughput inside a real pod (root, `--runtime runc`): GNU dd of {@code mb} MiB with
 * fsync to a capacity-limited claim (XFS on a sparse file on a loop device) and, in the same pod
 * and rounds, alternating, to an emptyDir (a plain directory on the host's filesystem). The goal
 * of issue 17: the claim at ≥ 90 % of the directory.
 */
public final class VolumeBench {
  private static final Pattern COPIED = Pattern.compile("(\\d+) bytes .* copied, ([0-9.]+) s");

  /** Arguments: MiB per write (default 200), rounds (default 5). */
  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path work = Files.createTempDirectory("ordinal-volume-bench");
    BenchServer server = new BenchServer(work, "runc");
    server.start();
    try {
      String each = "dd if=/dev/zero of=/claim/f bs=1M count=" + mb + " conv=fsync 2>&1 | grep copied; rm /claim/f; "
          + "dd if=/dev/zero of=/dir/f bs=1M count=" + mb + " conv=fsync 2>&1 | grep copied; rm /dir/f; ";
      String script = "for i in $(seq " + rounds + "); do " + each + "done; echo DONE; sleep 3600";
      server.send("POST", "/api/v1/namespaces/default/persistentvolumeclaims", "application/json", """
          {"apiVersion":"v1","kind":"PersistentVolumeClaim","metadata":{"name":"bench"},
           "spec":{"accessModes":["ReadWriteOnce"],"resources":{"requests":{"storage":"%dMi"}}}}""".formatted(mb + 100));
      server.send("POST", "/api/v1/namespaces/default/pods", "application/json", """
          {"apiVersion":"v1","kind":"Pod","metadata":{"name":"dd"},"spec":{"terminationGracePeriodSeconds":0,
           "containers":[{"name":"dd","image":"debian","command":["sh","-c",%s],
             "volumeMounts":[{"name":"claim","mountPath":"/claim"},{"name":"dir","mountPath":"/dir"}]}],
           "volumes":[{"name":"claim","persistentVolumeClaim":{"claimName":"bench"}},{"name":"dir","emptyDir":{}}]}}"""
          .formatted(dev.ordinal.api.Json.MAPPER.writeValueAsString(script)));
      String log = "";
      for (int i = 0; i < 1200 && !log.contains("DONE"); i++) {
        Thread.sleep(500);
        try {
          log = server.send("GET", "/api/v1/namespaces/default/pods/dd/log", null, null).body();
        } catch (IllegalStateException e) {
          log = ""; // not started yet
        }
      }
      List<Double> claim = new ArrayList<>();
      List<Double> dir = new ArrayList<>();
      int n = 0;
      for (String line : log.lines().toList()) {
        Matcher m = COPIED.matcher(line);
        if (m.find()) {
          double mbps = Long.parseLong(m.group(1)) / 1e6 / Double.parseDouble(m.group(2));
          (n++ % 2 == 0 ? claim : dir).add(mbps);
        }
      }
      System.out.println("| measure | result |");
      System.out.println("|---|---|");
      System.out.printf(Locale.ROOT, "| dd %d MiB + fsync to a capacity-limited claim (XFS on loop), %d rounds: median (min–max) | %s |%n",
          mb, claim.size(), describe(claim));
      System.out.printf(Locale.ROOT, "| the same to an emptyDir (a directory on the host's filesystem): median (min–max) | %s |%n",
          describe(dir));
      System.out.printf(Locale.ROOT, "| claim / directory, medians | %.0f %% |%n", 100 * median(claim) / median(dir));
    } finally {
      // the pod and its claim torn down by the node before the server stops (a stopped `up` leaves
      // its containers for re-adoption, which would leave this pod running on the host)
      for (String path : new String[] {"/api/v1/namespaces/default/pods/dd", "/api/v1/namespaces/default/persistentvolumeclaims/bench"}) {
        try {
          server.send("DELETE", path, null, null);
        } catch (IllegalStateException e) {
          // never made
        }
      }
      Path pods = work.resolve("data").resolve("pods");
      for (int i = 0; i < 600 && !(gone(server, "/api/v1/namespaces/default/pods/dd") && empty(pods)
          && gone(server, "/api/v1/namespaces/default/persistentvolumeclaims/bench")); i++) {
        Thread.sleep(100);
      }
      server.close();
      BenchServer.removeBridgeIfUnused();
    }
  }

  private static boolean gone(BenchServer server, String path) throws Exception {
    try {
      server.send("GET", path, null, null);
      return false;
    } catch (IllegalStateException e) {
      return e.getMessage().contains("-> 404");
    }
  }

  private static boolean empty(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (var left = Files.list(dir)) {
      return left.findAny().isEmpty();
    }
  }

  private static String describe(List<Double> mbps) {
    List<Double> s = mbps.stream().sorted().toList();
    return s.isEmpty() ? "no result" : String.format(Locale.ROOT, "%.0f MB/s (%.0f–%.0f)", median(mbps), s.get(0), s.get(s.size() - 1));
  }

  private static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
  }
}
