package dev.ordinal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ordinal.api.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A rollout of the 3-replica MariaDB example (examples/mariadb.yaml) on real pods, in place
 * (pod update policy InPlaceIfPossible: each pod's containers restart on the new image) against
 * by recreation (no policy: each pod deleted and created again, init containers and all). One
 * set-up serves every run: the app containers' image moves between two tags of the one host
 * MariaDB ({@code mariadb:10.11} and {@code mariadb:10.11.18}), the two kinds of rollout taking
 * turns so that a load on the (shared) machine falls on both alike. The clock runs from
 * {@code kubectl set image} until the set reports the rollout complete (observedGeneration, every
 * replica updated and Ready, currentRevision = updateRevision), polled every 50 ms.
 */
public final class InPlaceBench {
  private static final String POLICY = "apps.ordinal.dev/pod-update-policy";
  private static final String[] TAGS = {"mariadb:10.11.18", "mariadb:10.11"};
  private BenchServer server;
  private Path kubeconfig;
  private int tag;

  /** Arguments: rollouts of each kind (default 3). */
  public static void main(String[] args) throws Exception {
    new InPlaceBench().run(args.length > 0 ? Integer.parseInt(args[0]) : 3);
  }

  private void run(int runs) throws Exception {
    Path work = Files.createTempDirectory("ordinal-inplace-bench");
    server = new BenchServer(work, "runc");
    server.start();
    kubeconfig = work.resolve("data").resolve("kubeconfig");
    Path example = Path.of(System.getProperty("ordinal.root", "."), "examples", "mariadb.yaml").toAbsolutePath();
    try {
      BenchKubectl.run(kubeconfig, "apply", "-f", example.toString());
      awaitRolledOut(300);
      System.out.println("| mariadb.yaml, 3 replicas: new image tag → rollout complete (" + runs + " runs each) | median | min – max |");
      System.out.println("|---|---|---|");
      compare(runs, "");
      // The example's readiness probe (first after 2 s, then every 2 s) is a floor both kinds pay per
      // pod; with a probe every second from the start, what is left is closer to each kind's own work.
      BenchKubectl.run(kubeconfig, "patch", "statefulset", "mysql", "--type=json", "-p",
          "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe/initialDelaySeconds\",\"value\":0},"
              + "{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe/periodSeconds\",\"value\":1}]");
      awaitRolledOut(300);
      compare(runs, ", readinessProbe initialDelaySeconds 0, periodSeconds 1");
      BenchKubectl.run(kubeconfig, "delete", "-f", example.toString(), "--wait=true", "--timeout=120s");
      while (!pods().path("items").isEmpty()) {
        Thread.sleep(100);
      }
      BenchKubectl.run(kubeconfig, "delete", "pvc", "--all", "--wait=true", "--timeout=60s");
    } finally {
      server.close();
      BenchServer.removeBridgeIfUnused();
    }
  }

  /** {@code runs} rollouts of each kind, taking turns; their rows and the ratio of the medians. */
  private void compare(int runs, String variant) throws Exception {
    List<Double> inPlace = new ArrayList<>();
    List<Double> recreated = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      BenchKubectl.run(kubeconfig, "annotate", "--overwrite", "statefulset", "mysql", POLICY + "=InPlaceIfPossible");
      inPlace.add(rollout(true));
      BenchKubectl.run(kubeconfig, "annotate", "statefulset", "mysql", POLICY + "-");
      recreated.add(rollout(false));
    }
    double ratio = median(recreated) / median(inPlace);
    BenchKubectl.row(String.format(java.util.Locale.ROOT, "in place (InPlaceIfPossible)%s: pods keep uid and IP, containers restart"
        + " — %.2f× faster", variant, ratio), inPlace);
    BenchKubectl.row("by recreation (no policy)" + variant + ": pods deleted and created again", recreated);
  }

  /** One rollout to the other tag; its seconds. Checks that the pods were kept, or replaced, as the policy says. */
  private double rollout(boolean inPlace) throws Exception {
    Set<String> before = uids();
    String image = TAGS[tag++ % 2];
    long t = System.nanoTime();
    BenchKubectl.run(kubeconfig, "set", "image", "statefulset/mysql", "mysql=" + image, "xtrabackup=" + image);
    awaitRolledOut(300);
    double seconds = (System.nanoTime() - t) / 1e9;
    Set<String> after = uids();
    boolean kept = before.equals(after);
    boolean replaced = after.stream().noneMatch(before::contains);
    if (inPlace ? !kept : !replaced) {
      throw new IllegalStateException((inPlace ? "in place" : "recreation") + ": uids " + before + " became " + after);
    }
    System.err.printf(java.util.Locale.ROOT, "%s to %s: %.1f s%n", inPlace ? "in place" : "recreation", image, seconds);
    return seconds;
  }

  private void awaitRolledOut(int timeoutSeconds) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeoutSeconds * 1_000_000_000L;
    java.util.Map<String, String> shown = new java.util.HashMap<>();
    while (System.nanoTime() < deadline) {
      if (TRACE) {
        trace(start, shown);
      }
      JsonNode set = Json.MAPPER.readTree(server.send("GET", "/apis/apps/v1/namespaces/default/statefulsets/mysql", null, null).body());
      JsonNode s = set.path("status");
      if (s.path("observedGeneration").asLong() == set.path("metadata").path("generation").asLong()
          && s.path("readyReplicas").asInt() == 3 && s.path("updatedReplicas").asInt() == 3
          && s.path("currentRevision").asText().equals(s.path("updateRevision").asText())) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the rollout did not complete within " + timeoutSeconds + " s");
  }

  /** With ORDINAL_BENCH_TRACE=1: each change of a pod's uid, revision, images, phase or readiness, on stderr. */
  private static final boolean TRACE = "1".equals(System.getenv("ORDINAL_BENCH_TRACE"));

  private void trace(long start, java.util.Map<String, String> shown) throws Exception {
    for (JsonNode p : pods().path("items")) {
      StringBuilder b = new StringBuilder();
      b.append(p.path("metadata").path("uid").asText().substring(0, 8)).append(' ')
          .append(p.path("metadata").path("labels").path("controller-revision-hash").asText()).append(' ')
          .append(p.path("spec").path("containers").path(0).path("image").asText()).append(' ')
          .append(p.path("status").path("phase").asText()).append(p.path("metadata").has("deletionTimestamp") ? " deleting" : "");
      for (JsonNode c : p.path("status").path("containerStatuses")) {
        b.append(' ').append(c.path("name").asText()).append('=').append(c.path("image").asText()).append(c.path("ready").asBoolean() ? "/ready" : "/not-ready")
            .append(c.path("state").has("running") ? "/running" : c.path("state").has("waiting") ? "/waiting" : "/other");
      }
      String name = p.path("metadata").path("name").asText();
      if (!b.toString().equals(shown.put(name, b.toString()))) {
        System.err.printf(java.util.Locale.ROOT, "  %6.2f s %s %s%n", (System.nanoTime() - start) / 1e9, name, b);
      }
    }
  }

  private JsonNode pods() throws Exception {
    return Json.MAPPER.readTree(server.send("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dmysql", null, null).body());
  }

  private Set<String> uids() throws Exception {
    Set<String> out = new TreeSet<>();
    for (JsonNode p : pods().path("items")) {
      out.add(p.path("metadata").path("uid").asText());
    }
    return out;
  }

  private static double median(List<Double> v) {
    return v.stream().sorted().toList().get(v.size() / 2);
  }
}
