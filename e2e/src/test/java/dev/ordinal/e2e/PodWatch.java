package dev.ordinal.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.ordinal.api.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a node loss looks like from two sides. From the API: a {@code kubectl get pods -w} whose
 * every event is checked, so that no pod name (a StatefulSet identity) ever has two Running pods
 * (a new uid Running while an older one of that name was Running and not yet deleted), and which
 * notes when a replacement (another uid under the lost pod's name) first runs. From the lost host:
 * the lost pod's processes, sampled every 100 ms in its cgroups, to know when they last ran.
 */
final class PodWatch implements AutoCloseable {
  private final Process watch;
  private final String lostUid;
  private final String cgroupRoot;
  private final Thread reader;
  private final Thread sampler;
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final Map<String, Instant> replacementRunning = new ConcurrentHashMap<>();
  private volatile Instant lastSeenAlive;
  private volatile boolean closed;

  private PodWatch(Process watch, String lostUid, String cgroupRoot) {
    this.watch = watch;
    this.lostUid = lostUid;
    this.cgroupRoot = cgroupRoot;
    this.reader = Thread.ofPlatform().daemon().name("pod-watch").start(this::read);
    this.sampler = Thread.ofPlatform().daemon().name("pod-sampler").start(this::sample);
  }

  /** Watches the pods with this label selector; {@code lostUid} is the pod about to be lost, its cgroups under {@code cgroupRoot}. */
  static PodWatch start(Path kubeconfig, String selector, String lostUid, String cgroupRoot) throws IOException {
    Process p = new ProcessBuilder(Kubectl.BINARY, "--kubeconfig", kubeconfig.toString(), "get", "pods", "-l", selector, "--watch",
        "--output-watch-events", "-o", "json").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return new PodWatch(p, lostUid, cgroupRoot);
  }

  private void read() {
    // name → uids Running (as last seen) and not deleted
    Map<String, Set<String>> runningByName = new HashMap<>();
    try (MappingIterator<JsonNode> events = Json.MAPPER.readerFor(JsonNode.class).readValues(watch.getInputStream())) {
      while (events.hasNext()) {
        JsonNode e = events.next();
        JsonNode pod = e.path("object");
        String name = pod.path("metadata").path("name").asText();
        String uid = pod.path("metadata").path("uid").asText();
        Set<String> running = runningByName.computeIfAbsent(name, k -> new HashSet<>());
        boolean isRunning = !e.path("type").asText().equals("DELETED") && pod.path("status").path("phase").asText().equals("Running");
        if (isRunning) {
          running.add(uid);
          if (running.size() > 1) {
            violations.add(name + " Running as " + running + " at " + Instant.now());
          }
          if (!uid.equals(lostUid)) {
            replacementRunning.putIfAbsent(name, Instant.now());
          }
        } else {
          running.remove(uid);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        violations.add("the watch broke: " + e);
      }
    }
  }

  private void sample() {
    while (!closed) {
      try {
        if (alive(lostUid, cgroupRoot)) {
          lastSeenAlive = Instant.now();
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (IOException e) {
        // a cgroup that went while it was read: sampled again next time
      }
    }
  }

  /** Whether any process of the pod runs on this machine (in its cgroups, in any hierarchy). */
  static boolean alive(String podUid, String cgroupRoot) throws IOException {
    for (Path h : HostLeftovers.cgroupHierarchies()) {
      Path dir = h.resolve(cgroupRoot).resolve(podUid);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> procs = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(f -> f.getFileName().toString().equals("cgroup.procs")).forEach(procs::add);
      }
      for (Path f : procs) {
        try {
          if (!Files.readString(f).isBlank()) {
            return true;
          }
        } catch (IOException e) {
          // removed meanwhile: nothing runs there
        }
      }
    }
    return false;
  }

  /** When another pod than the lost one first ran under this name; null until then. */
  Instant replacementRunning(String name) {
    return replacementRunning.get(name);
  }

  Instant lastSeenAlive() {
    return lastSeenAlive;
  }

  /** Whether the lost pod's processes ran after this instant. */
  boolean aliveAfter(Instant t) {
    Instant last = lastSeenAlive;
    return last != null && last.isAfter(t);
  }

  List<String> violations() {
    return List.copyOf(violations);
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    watch.destroyForcibly();
    watch.waitFor(10, TimeUnit.SECONDS);
    sampler.interrupt();
    sampler.join(5000);
    reader.join(5000);
  }
}
