package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Patroni's failover on real pods (root, with Debian's patroni and postgresql): the clock runs from
 * deleting the leader's pod until another member accepts a write (an INSERT through psql in that
 * member, tried every 100 ms on each of the other two), then the old leader is waited for until it
 * is a streaming replica again before the next run. Also the time from apply to a leader with two
 * replicas. On a server without rbac.authorization.k8s.io (an Ordinal before RBAC) the example is
 * applied without its Role and RoleBinding.
 */
public final class PatroniBench {
  private Path kubeconfig;
  private final Path example = Path.of(System.getProperty("ordinal.root", "."), "examples", "postgres-patroni.yaml").toAbsolutePath();

  /** Arguments: failovers (default 5). */
  public static void main(String[] args) throws Exception {
    new PatroniBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 5);
  }

  private void run(int runs) throws Exception {
    Path work = Files.createTempDirectory("ordinal-patroni-bench");
    BenchServer server = new BenchServer(work, "runc");
    server.start();
    kubeconfig = work.resolve("data").resolve("kubeconfig");
    Path manifest = null;
    try {
      manifest = manifest(work);
      long t = System.nanoTime();
      kubectl("apply", "-f", manifest.toString());
      awaitHealthy();
      double bootstrap = (System.nanoTime() - t) / 1e9;
      String leader = leader();
      exec(leader, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "CREATE TABLE bench (id serial PRIMARY KEY, at timestamptz DEFAULT now())");
      List<Double> failovers = new ArrayList<>();
      List<Double> rejoins = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        String old = leader();
        List<String> others = new ArrayList<>(List.of("pg-0", "pg-1", "pg-2"));
        others.remove(old);
        long deleted = System.nanoTime();
        kubectl("delete", "pod", old, "--wait=false");
        String promoted = null;
        long deadline = deleted + 120_000_000_000L;
        while (promoted == null && System.nanoTime() < deadline) {
          for (String candidate : others) {
            if (tryExec(candidate, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "INSERT INTO bench DEFAULT VALUES") == 0) {
              promoted = candidate;
              break;
            }
          }
          if (promoted == null) {
            Thread.sleep(100);
          }
        }
        if (promoted == null) {
          throw new IllegalStateException("no member took writes within 120 s of deleting " + old + diagnostics());
        }
        failovers.add((System.nanoTime() - deleted) / 1e9);
        System.err.printf(Locale.ROOT, "run %d: %s deleted, %s took a write after %.1f s%n", i + 1, old, promoted, failovers.getLast());
        awaitHealthy();
        rejoins.add((System.nanoTime() - deleted) / 1e9);
      }
      System.out.println("| Patroni on real pods (" + runs + " failovers) | median | min – max |");
      System.out.println("|---|---|---|");
      row("postgres-patroni.yaml: apply → a leader and 2 streaming replicas (bootstrap, 1 run)", List.of(bootstrap));
      row("leader's pod deleted → another member accepts a write", failovers);
      row("leader's pod deleted → the old leader back as a streaming replica", rejoins);
    } finally {
      try {
        if (manifest != null) {
          kubectl("delete", "-f", manifest.toString(), "--ignore-not-found", "--wait=true", "--timeout=120s");
        }
        kubectl("delete", "pvc", "--all", "--wait=true", "--timeout=60s");
      } finally {
        server.close();
        BenchServer.removeBridgeIfUnused();
      }
    }
  }

  /** The example; without its RBAC documents on a server that does not serve them. */
  private Path manifest(Path work) throws Exception {
    if (!kubectl("api-resources", "--api-group=rbac.authorization.k8s.io", "-o", "name").isBlank()) {
      return example;
    }
    StringBuilder kept = new StringBuilder();
    for (String doc : Files.readString(example).split("\n---\n")) {
      if (doc.lines().noneMatch(l -> l.equals("kind: Role") || l.equals("kind: RoleBinding"))) {
        kept.append(kept.isEmpty() ? "" : "\n---\n").append(doc);
      }
    }
    Path copy = work.resolve("postgres-patroni.yaml");
    Files.writeString(copy, kept);
    return copy;
  }

  /**
   * A leader, a synchronous standby and a replica that patronictl shows running (or streaming) on
   * the leader's timeline without lag, and the leader's pod labelled.
   */
  private void awaitHealthy() throws Exception {
    long deadline = System.nanoTime() + 300_000_000_000L;
    String last = "";
    while (System.nanoTime() < deadline) {
      for (String pod : List.of("pg-0", "pg-1", "pg-2")) {
        String list = tryOutput(pod, "patronictl", "-c", "/etc/patroni/config.yml", "list", "-f", "json");
        if (list == null) {
          continue;
        }
        last = list;
        if (healthy(Json.MAPPER.readTree(list)) && !leader().isEmpty()) {
          return;
        }
        break;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no leader with a synchronous standby and a replica within 300 s: " + last + diagnostics());
  }

  static boolean healthy(JsonNode members) {
    int leaders = 0;
    int sync = 0;
    int replicas = 0;
    java.util.Set<String> timelines = new java.util.HashSet<>();
    for (JsonNode m : members) {
      String role = m.path("Role").asText();
      String state = m.path("State").asText();
      timelines.add(m.path("TL").asText());
      boolean up = state.equals("running") || state.equals("streaming");
      if (role.equals("Leader") && state.equals("running")) {
        leaders++;
      } else if (up && m.path("Lag in MB").asInt(-1) == 0) {
        if (role.equals("Sync Standby")) {
          sync++;
        } else if (role.equals("Replica")) {
          replicas++;
        }
      }
    }
    return leaders == 1 && sync == 1 && replicas == 1 && timelines.size() == 1;
  }

  /** What a failed run leaves to look at: the keys, the pods' roles and the members' last log lines. */
  private String diagnostics() {
    StringBuilder b = new StringBuilder("\n");
    try {
      b.append(kubectl("get", "endpoints,pods", "-o", "wide", "-L", "role")).append('\n');
      b.append(kubectl("get", "endpoints", "-l", "app=pg", "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.annotations}{\"\\n\"}{end}"));
      for (String pod : List.of("pg-0", "pg-1", "pg-2")) {
        String log = kubectl("logs", pod, "--tail=40");
        b.append("\n--- ").append(pod).append(" ---\n").append(log);
      }
    } catch (Exception e) {
      b.append(e);
    }
    return b.toString();
  }

  private String leader() throws Exception {
    String names = kubectl("get", "pods", "-l", "app=pg,role in (master,primary)", "-o", "name").trim();
    return names.isEmpty() || names.contains("\n") ? "" : names.substring("pod/".length());
  }

  private void exec(String pod, String... command) throws Exception {
    if (tryExec(pod, command) != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed in " + pod);
    }
  }

  private int tryExec(String pod, String... command) throws Exception {
    Process p = process(pod, command);
    p.getInputStream().readAllBytes();
    return p.waitFor();
  }

  private String tryOutput(String pod, String... command) throws Exception {
    Process p = process(pod, command);
    String out = new String(p.getInputStream().readAllBytes());
    return p.waitFor() == 0 ? out : null;
  }

  private Process process(String pod, String... command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString(), "exec", pod, "-c", "patroni", "--"));
    cmd.addAll(List.of(command));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private String kubectl(String... args) throws Exception {
    return BenchKubectl.run(kubeconfig, args);
  }

  private static void row(String what, List<Double> seconds) {
    BenchKubectl.row(what, seconds);
  }
}
