package dev.ordinal.node.metrics;

import dev.ordinal.apiserver.nodes.NodeStats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every running container's cgroup and the machine every {@code interval} on a platform
 * thread of its own (the reads are blocking file I/O), keeping the last two readings of each, so
 * that a summary is always at hand with a rate over one interval (kubelet's cAdvisor housekeeping
 * and metrics-server's scrape play this part upstream). Thread-safe.
 */
public final class StatsSampler implements NodeStats, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatsSampler.class);

  /** A running container to read: its pod, its name, its cgroup. */
  public record Target(String podUid, String container, String cgroupsPath) {}

  private record Pair(CgroupUsage.Reading earlier, CgroupUsage.Reading later) {
    Pair next(CgroupUsage.Reading r) {
      return new Pair(later, r);
    }
  }

  private final Supplier<List<Target>> targets;
  private final CgroupReader reader;
  private final Duration interval;
  private final Map<Target, Pair> readings = new ConcurrentHashMap<>();
  private volatile Pair machine = new Pair(null, null);
  private volatile List<Target> current = List.of();
  private final Thread thread;
  private volatile boolean closed;

  public StatsSampler(Supplier<List<Target>> targets, CgroupReader reader, Duration interval) {
    this.targets = targets;
    this.reader = reader;
    this.interval = interval;
    this.thread = Thread.ofPlatform().daemon().name("node-stats").unstarted(this::run);
  }

  public StatsSampler start() {
    thread.start();
    return this;
  }

  /** How many containers were running at the last reading (for {@code kubelet_running_containers}). */
  public int runningContainers() {
    return current.size();
  }

  /** Reads everything once (the sampling thread's step; tests call it directly). */
  public void sampleOnce(Instant now) {
    List<Target> now0 = targets.get();
    Map<Target, Boolean> seen = new HashMap<>();
    for (Target t : now0) {
      seen.put(t, true);
      reader.read(t.cgroupsPath(), now).ifPresent(r -> readings.merge(t, new Pair(null, r), (old, fresh) -> old.next(r)));
    }
    readings.keySet().removeIf(t -> !seen.containsKey(t));
    current = List.copyOf(now0);
    CgroupReader.machine(now).ifPresent(r -> machine = machine.next(r));
  }

  private void run() {
    while (!closed) {
      try {
        sampleOnce(Instant.now());
      } catch (RuntimeException e) {
        log.warn("reading container usage failed: {}", e.toString());
      }
      try {
        Thread.sleep(interval);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Override
  public Summary summary() {
    Map<String, List<ContainerUsage>> pods = new LinkedHashMap<>();
    readings.forEach((t, p) -> usage(p).ifPresent(u ->
        pods.computeIfAbsent(t.podUid(), k -> new ArrayList<>()).add(new ContainerUsage(t.container(), u))));
    pods.values().forEach(l -> l.sort(java.util.Comparator.comparing(ContainerUsage::name)));
    return new Summary(usage(machine).orElse(null), pods);
  }

  private static Optional<Usage> usage(Pair p) {
    return p.earlier() == null || p.later() == null ? Optional.empty() : CgroupUsage.between(p.earlier(), p.later());
  }

  @Override
  public String prometheus() {
    return AgentMetrics.REGISTRY.scrape();
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
